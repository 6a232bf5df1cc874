package dev.gpupool.bench.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The JDK's {@link HttpClient}, asynchronous ({@code sendAsync}), each body gathered by
 * {@link HttpResponse.BodyHandlers#ofByteArray()}, in the version asked for. Over plain http an
 * HTTP/2 client sends HTTP/1.1 with an h2c upgrade request, and stays on HTTP/1.1 when the server does
 * not take it up; {@link Reply#version()} says which version each answer really came in. Its buffer
 * size is the JVM flag {@code -Djdk.httpclient.bufsize} (the client reads it once, at class load).
 */
final class JdkClient implements Client.Async {
    private final HttpClient client;

    JdkClient(HttpClient.Version version) {
        client = HttpClient.newBuilder().version(version).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(60)).build();
    }

    @Override
    public CompletableFuture<Reply> get(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> new Reply(r.statusCode(), r.body(), r.version().name()));
    }

    @Override
    public void close() {
        client.close();
    }
}
