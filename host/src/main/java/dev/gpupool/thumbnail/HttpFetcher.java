package dev.gpupool.thumbnail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fetches http(s) inputs: a connect timeout and an overall deadline per try (headers and body), a limit on bytes, redirects followed (the
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

    /** The largest body fetched by default: 256 MiB. */
    static final long DEFAULT_MAX_BYTES = 256L << 20;

    static HttpFetcher defaults() {
        return new HttpFetcher(Duration.ofSeconds(10), Duration.ofSeconds(30), DEFAULT_MAX_BYTES, 3);
    }

    /** The body of a 200 response; an IOException with a one-line reason otherwise. */
    byte[] fetch(URI uri) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= tries; attempt++) {
            long waitMillis = backoff(attempt);
            try {
                HttpRequest req = HttpRequest.newBuilder(uri).timeout(readTimeout).GET().build();
                HttpResponse<byte[]> resp = send(req);
                int code = resp.statusCode();
                if (code == 200) return resp.body();
                last = new IOException("HTTP " + code);
                if (code != 429 && code < 500) throw last;
                long ra = resp.headers().firstValueAsLong("Retry-After").orElse(-1);
                if (ra >= 0) waitMillis = Math.min(ra, 30) * 1000;
            } catch (java.net.http.HttpTimeoutException e) {
                last = new IOException("timed out after " + readTimeout.toSeconds() + " s");
            } catch (java.net.ConnectException e) {
                last = new IOException("connection refused or unreachable");
            } catch (IOException e) {
                if (e == last || e instanceof TooLarge) throw e;
                last = new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
            if (attempt < tries) Thread.sleep(waitMillis);
        }
        throw new IOException(last.getMessage() + " (after " + tries + " tries)");
    }

    /**
     * One exchange, body included, within {@code readTimeout}: the request's own timeout only covers
     * the wait for the headers, so a server that sends headers and then stalls (or trickles) the body
     * would hang the batch without this overall deadline.
     */
    private HttpResponse<byte[]> send(HttpRequest req) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(req, info -> new LimitedBody(maxBytes));
        try {
            return f.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new java.net.http.HttpTimeoutException("timed out");
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) c = c.getCause();
            if (c instanceof IOException io) throw io;
            throw new IOException(c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage(), c);
        }
    }

    /** The body as bytes, failing (and dropping the connection) once it passes the limit. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long max;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(long max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) return;
            for (ByteBuffer b : items) {
                if (buf.size() + (long) b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge("larger than the limit of " + max + " bytes"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                buf.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(buf.toByteArray());
        }
    }

    /** Not worth retrying. */
    private static final class TooLarge extends IOException {
        TooLarge(String m) {
            super(m);
        }
    }

    private static long backoff(int attempt) {
        long base = 200L << (attempt - 1);
        return base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }
}
