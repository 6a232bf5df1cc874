package dev.gpupool.thumbnail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * Fetches http(s) inputs: a connect timeout and an overall deadline per try (headers and body), a limit on bytes, redirects followed
 * (at most {@link #MAX_REDIRECTS}, http and https only, never from https down to http, a loop refused), and retries with
 * exponential backoff and jitter on connection errors, 429 and 5xx (honouring a {@code Retry-After} of seconds or an
 * HTTP date, up to 30 s). Bodies count against a {@link BodyBudget} when given one: a body of known length
 * waits for its bytes before the first is read, a chunked one as it grows.
 *
 * <p>Public ({@link #defaults()}, {@link #fetch(URI)}) so that every URL input, the command line's, the
 * library's and a Spark job's, is fetched by the same rules.
 */
public final class HttpFetcher {
    /** The most redirects followed for one URL, as curl's and browsers' limits, but smaller: an image is one hop or two away. */
    static final int MAX_REDIRECTS = 5;

    /** The transport: {@code urlconnection} (the default, measured cheaper) or {@code jdk} (the asynchronous HttpClient). */
    static final String CLIENT = System.getProperty("gpupool.http.client", "urlconnection");

    /** One exchange's outcome, whatever the transport: what the retry and redirect rules need ({@code body} null when it went to a file). */
    record Reply(int status, byte[] body, java.util.function.Function<String, java.util.Optional<String>> header) {
    }

    private final HttpClient client;
    /** The connection each thread is using now, for {@link #abort}: a platform thread's socket read ignores interrupts. */
    private final java.util.Map<Thread, java.net.HttpURLConnection> open = new java.util.concurrent.ConcurrentHashMap<>();
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final long maxBytes;
    private final int tries;

    HttpFetcher(Duration connectTimeout, Duration readTimeout, long maxBytes, int tries) {
        // Redirects are followed here, not by the client, so that each one is checked and a failure says which.
        this.client = CLIENT.equals("jdk")
                ? HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build() : null;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxBytes = maxBytes;
        this.tries = tries;
    }

    /** The largest body fetched by default: 256 MiB. */
    static final long DEFAULT_MAX_BYTES = 256L << 20;

    public static HttpFetcher defaults() {
        return new HttpFetcher(Duration.ofSeconds(10), Duration.ofSeconds(30), DEFAULT_MAX_BYTES, 3);
    }

    /**
     * Ends {@code fetching}'s fetch now: interrupts it (a backoff's sleep, a wait for the body budget, a
     * virtual thread's socket) and closes the connection it is reading, if any (a platform thread's
     * blocking read ends only so). Its {@link #fetch} then throws.
     */
    void abort(Thread fetching) {
        fetching.interrupt();
        java.net.HttpURLConnection c = open.get(fetching);
        if (c != null) c.disconnect();
    }

    /** The body of a 200 response; an IOException with a one-line reason otherwise. */
    public byte[] fetch(URI uri) throws IOException, InterruptedException {
        return fetch(uri, null);
    }

    /**
     * The body of a 200 response, its bytes held in {@code lease} (null: no budget) until the caller
     * closes it; an IOException with a one-line reason otherwise. Each try starts with the lease empty.
     */
    byte[] fetch(URI uri, BodyBudget.Lease lease) throws IOException, InterruptedException {
        return fetch(uri, lease, null);
    }

    /**
     * As {@link #fetch(URI, BodyBudget.Lease)}, but with {@code to} given the body goes straight into
     * that file (created, or emptied at each try) and null is returned: for an engine whose workers read
     * files ({@link dev.gpupool.backend.ThumbnailEngine#bodyFile}), the body never lands in this heap.
     */
    byte[] fetch(URI uri, BodyBudget.Lease lease, java.nio.file.Path to) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= tries; attempt++) {
            long waitMillis = backoff(attempt);
            if (lease != null) lease.reset();
            try {
                Reply resp = followRedirects(uri, lease, to);
                int code = resp.status();
                if (code == 200) {
                    if (lease != null) lease.complete();
                    return resp.body();
                }
                last = new IOException("HTTP " + code);
                if (code != 429 && code < 500) throw last;
                long ra = retryAfterMillis(resp.header().apply("Retry-After").orElse(null), System.currentTimeMillis());
                if (ra >= 0) waitMillis = ra;
            } catch (java.net.http.HttpTimeoutException e) {
                last = new IOException("timed out after " + readTimeout.toSeconds() + " s");
            } catch (java.net.ConnectException e) {
                last = new IOException("connection refused or unreachable");
            } catch (IOException e) {
                if (e == last || e instanceof NotRetried || e instanceof BodyBudget.NeverFits) {
                    if (lease != null) lease.reset();
                    throw e;
                }
                last = new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
            if (lease != null) lease.reset();
            if (attempt < tries) Thread.sleep(waitMillis);
        }
        throw new IOException(last.getMessage() + " (after " + tries + " tries)");
    }

    /**
     * The response at the end of {@code uri}'s redirects (301, 302, 303, 307, 308 with a Location), each
     * hop checked: http or https only, not from https to http, no URL twice, at most {@link #MAX_REDIRECTS}.
     *
     * @throws NotRetried a redirect refused, with why
     */
    private Reply followRedirects(URI uri, BodyBudget.Lease lease, java.nio.file.Path to) throws IOException, InterruptedException {
        java.util.Set<URI> seen = new java.util.HashSet<>();
        seen.add(uri);
        URI at = uri;
        for (int hops = 0; ; hops++) {
            Reply resp = exchange(at, lease, to);
            int code = resp.status();
            if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) return resp;
            String location = resp.header().apply("Location").orElse(null);
            if (location == null || location.isBlank()) throw new NotRetried("HTTP " + code + " redirect without a Location");
            URI next;
            try {
                next = at.resolve(location.strip());
            } catch (IllegalArgumentException e) {
                throw new NotRetried("HTTP " + code + " redirect to an invalid URL refused: " + location.strip());
            }
            String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new NotRetried("HTTP " + code + " redirect to a non-HTTP URL refused: " + next);
            }
            if (scheme.equals("http") && "https".equalsIgnoreCase(at.getScheme())) {
                throw new NotRetried("HTTP " + code + " redirect from https to http refused: " + next);
            }
            if (!seen.add(next)) throw new NotRetried("redirect loop: " + next + " again after " + (hops + 1) + " redirects");
            if (hops + 1 > MAX_REDIRECTS) throw new NotRetried("too many redirects (more than " + MAX_REDIRECTS + ")");
            at = next;
        }
    }

    /**
     * How long a {@code Retry-After} value asks to wait, in milliseconds, at most 30 s: delta-seconds
     * ({@code 120}) or an HTTP date ({@code Wed, 21 Oct 2015 07:28:00 GMT}; a past date is 0); -1 when absent
     * or unreadable (the backoff applies).
     */
    static long retryAfterMillis(String value, long nowMillis) {
        if (value == null || value.isBlank()) return -1;
        String v = value.strip();
        long millis;
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                millis = Math.multiplyExact(Long.parseLong(v), 1000L);
            } catch (ArithmeticException | NumberFormatException e) {
                millis = Long.MAX_VALUE; // more digits than a long: as long as allowed
            }
        } else {
            try {
                millis = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() - nowMillis;
            } catch (java.time.format.DateTimeParseException e) {
                return -1;
            }
        }
        return Math.max(0, Math.min(millis, 30_000L));
    }

    /**
     * One exchange, body included, within {@code readTimeout}: the request's own timeout only covers
     * the wait for the headers, so a server that sends headers and then stalls (or trickles) the body
     * would hang the batch without this overall deadline.
     */
    /** One GET of {@code at}, no redirect followed, through the chosen transport. */
    private Reply exchange(URI at, BodyBudget.Lease lease, java.nio.file.Path to) throws IOException, InterruptedException {
        if (client == null) {
            java.net.HttpURLConnection c = UrlConnectionExchange.open(at, connectTimeout, readTimeout);
            Thread self = Thread.currentThread();
            open.put(self, c);
            try {
                // after the put: an abort that looked before it saw no connection, but interrupted this thread first
                if (Thread.interrupted()) throw new InterruptedException();
                return UrlConnectionExchange.get(c, readTimeout, maxBytes, NotRetried::new, lease, to);
            } finally {
                open.remove(self);
            }
        }
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(at).timeout(readTimeout).GET().build(), lease);
        byte[] body = r.body();
        if (to != null && r.statusCode() == 200) {
            java.nio.file.Files.write(to, body);
            body = null;
        }
        return new Reply(r.statusCode(), body, name -> r.headers().firstValue(name));
    }

    private HttpResponse<byte[]> send(HttpRequest req, BodyBudget.Lease lease) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(req, info -> new LimitedBody(maxBytes,
                info.statusCode() == 200 ? lease : null, info.headers().firstValueAsLong("Content-Length").orElse(-1)));
        try {
            return f.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new java.net.http.HttpTimeoutException("timed out");
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable c = Errors.unwrap(e);
            if (c instanceof IOException io) throw io;
            throw new IOException(c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage(), c);
        }
    }

    /**
     * The body as bytes, failing (and dropping the connection) once it passes the limit, its bytes held in
     * a lease (when given) before they are taken: the whole length at once when known, else as they come.
     * Waiting for the budget blocks the client's executor thread (a cached pool), as a blocking read would.
     */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long max;
        private final BodyBudget.Lease lease;
        private final long length;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(long max, BodyBudget.Lease lease, long length) {
            this.max = max;
            this.lease = lease;
            this.length = length;
        }

        private boolean hold(long bytes, boolean known) {
            if (lease == null) return true;
            try {
                lease.growTo(bytes, known);
                return true;
            } catch (IOException e) {
                subscription.cancel();
                result.completeExceptionally(e);
                return false;
            }
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (length >= 0 && length <= max && !hold(length, true)) return;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) return;
            for (ByteBuffer b : items) {
                if (buf.size() + (long) b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new NotRetried("larger than the limit of " + max + " bytes"));
                    return;
                }
                if (!hold(UrlConnectionExchange.step(buf.size() + (long) b.remaining(), max), false)) return;
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

    /** Not worth retrying (too large, a redirect refused). */
    private static final class NotRetried extends IOException {
        NotRetried(String m) {
            super(m);
        }
    }

    private static long backoff(int attempt) {
        long base = 200L << (attempt - 1);
        return base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }
}
