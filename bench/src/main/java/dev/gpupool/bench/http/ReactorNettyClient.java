package dev.gpupool.bench.http;

import reactor.core.publisher.Mono;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The Netty-based client: reactor-netty's {@link HttpClient} (Netty's event loops, one a core, epoll
 * on Linux when its natives load, else NIO), a connection pool of {@code concurrency} connections,
 * redirects and compression off (its defaults). A body is aggregated by Netty and copied once into a
 * {@code byte[]} ({@code asByteArray}).
 */
final class ReactorNettyClient implements Client.Async {
    private final ConnectionProvider connections;
    private final HttpClient client;

    ReactorNettyClient(int concurrency) {
        connections = ConnectionProvider.builder("bench").maxConnections(concurrency).pendingAcquireMaxCount(-1).build();
        client = HttpClient.create(connections).responseTimeout(Duration.ofSeconds(60));
    }

    @Override
    public CompletableFuture<Reply> get(URI uri) {
        return client.get().uri(uri).responseSingle((response, body) -> body.asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .map(b -> new Reply(response.status().code(), b, response.version().text())))
                .switchIfEmpty(Mono.error(() -> new IllegalStateException(uri + ": no response")))
                .toFuture();
    }

    @Override
    public void close() {
        // No quiet period: Netty's default (2 s of no new tasks before its event loops stop) would be pure waiting here.
        connections.disposeLater().block(Duration.ofSeconds(10));
        HttpResources.disposeLoopsAndConnectionsLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }
}
