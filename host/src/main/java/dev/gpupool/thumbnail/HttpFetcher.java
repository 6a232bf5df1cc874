package dev.gpupool.thumbnail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fetches http(s) inputs: connect and read timeouts, a limit on bytes, redirects followed (the
 * client's limit), and retries with exponential backoff and jitter on connection errors, 429 and 5xx
 * (honouring a {@code Retry-After} of seconds).
 */
final class HttpFetcher {
    private final HttpClient client;
    private final Duration readTimeout;
    private final long maxBytes;
    private final int tries;

    HttpFetcher(Duration connectTimeout, Duration readTimeout, long maxBytes, int tries) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.readTimeout = readTimeout;
        this.maxBytes = maxBytes;
        this.tries = tries;
    }

    static HttpFetcher defaults() {
        return new HttpFetcher(Duration.ofSeconds(10), Duration.ofSeconds(30), 256L << 20, 3);
    }

    /** The body of a 200 response; an IOException with a one-line reason otherwise. */
    byte[] fetch(URI uri) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= tries; attempt++) {
            long waitMillis = backoff(attempt);
            try {
                HttpRequest req = HttpRequest.newBuilder(uri).timeout(readTimeout).GET().build();
                HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
                int code = resp.statusCode();
                try (InputStream body = resp.body()) {
                    if (code == 200) return readLimited(body);
                    last = new IOException("HTTP " + code);
                    if (code != 429 && code < 500) throw last;
                    long ra = resp.headers().firstValueAsLong("Retry-After").orElse(-1);
                    if (ra >= 0) waitMillis = Math.min(ra, 30) * 1000;
                }
            } catch (java.net.http.HttpTimeoutException e) {
                last = new IOException("timed out after " + readTimeout.toSeconds() + " s");
            } catch (java.net.ConnectException e) {
                last = new IOException("connection refused or unreachable");
            } catch (IOException e) {
                if (e == last) throw e;
                last = new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
            if (attempt < tries) Thread.sleep(waitMillis);
        }
        throw new IOException(last.getMessage() + " (after " + tries + " tries)");
    }

    private byte[] readLimited(InputStream in) throws IOException {
        byte[] data = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 64));
        if (data.length > maxBytes) throw new IOException("larger than the limit of " + maxBytes + " bytes");
        return data;
    }

    private static long backoff(int attempt) {
        long base = 200L << (attempt - 1);
        return base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }
}
