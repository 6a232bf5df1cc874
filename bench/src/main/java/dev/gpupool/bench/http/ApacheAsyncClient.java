package dev.gpupool.bench.http;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.io.CloseMode;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * Apache HttpClient 5's asynchronous client: its NIO reactor (one I/O thread a core by default), a
 * pooling connection manager sized to the concurrency, its own retries and redirects off. Each body
 * is gathered whole in memory ({@link SimpleHttpResponse#getBodyBytes()}).
 */
final class ApacheAsyncClient implements Client.Async {
    private final CloseableHttpAsyncClient client;

    ApacheAsyncClient(int concurrency) {
        client = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(concurrency).setMaxConnPerRoute(concurrency).build())
                .disableRedirectHandling().disableAutomaticRetries().build();
        client.start();
    }

    @Override
    public CompletableFuture<Reply> get(URI uri) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        SimpleHttpRequest request = SimpleRequestBuilder.get(uri).build();
        client.execute(request, new FutureCallback<SimpleHttpResponse>() {
            @Override
            public void completed(SimpleHttpResponse r) {
                byte[] body = r.getBodyBytes();
                reply.complete(new Reply(r.getCode(), body == null ? new byte[0] : body, String.valueOf(r.getVersion())));
            }

            @Override
            public void failed(Exception e) {
                reply.completeExceptionally(e);
            }

            @Override
            public void cancelled() {
                reply.cancel(false);
            }
        });
        return reply;
    }

    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
    }
}
