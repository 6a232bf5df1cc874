package dev.gpupool.bench.http;

import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.HttpClient;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Jetty 12's asynchronous client: NIO selectors and its own thread pool, at most {@code concurrency}
 * connections to the one server, redirects off. A body is buffered whole by
 * {@link CompletableResponseListener} (up to {@link #MAX_BODY}; its default of 2 MiB is smaller than
 * many photos).
 */
final class JettyClient implements Client.Async {
    static final int MAX_BODY = 256 << 20;
    private final HttpClient client = new HttpClient();

    JettyClient(int concurrency) throws Exception {
        client.setMaxConnectionsPerDestination(concurrency);
        client.setFollowRedirects(false);
        client.start();
    }

    @Override
    public CompletableFuture<Reply> get(URI uri) {
        var request = client.newRequest(uri).timeout(60, TimeUnit.SECONDS);
        return new CompletableResponseListener(request, MAX_BODY).send()
                .thenApply(r -> new Reply(r.getStatus(), r.getContent(), r.getVersion().asString()));
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
