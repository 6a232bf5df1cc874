package dev.gpupool.thumbnail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP exchange through the JDK's blocking {@link HttpURLConnection} on the caller's thread (a
 * platform thread in a batch: {@link BatchRunner} says why): the body is read straight into its final
 * array when the length is known, one copy from the socket. Measured against the JDK's asynchronous {@code HttpClient} over
 * loopback on 2 cores, the client's selector and worker threads spent about 1.3 cores on 64 fetches
 * in flight, before any decoding; see {@link HttpFetcher} for the choice. Connections are kept alive
 * and reused by the JDK's keep-alive cache once a body has been read to its end.
 */
final class UrlConnectionExchange {
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gpupool-http-deadlines");
        t.setDaemon(true);
        return t;
    });

    private UrlConnectionExchange() {
    }

    /**
     * GETs {@code uri} without following redirects: the status, the body of a 200 (at most {@code maxBytes}, else
     * {@code tooLarge} is thrown; written to {@code to} instead when given, the reply's body then null), and the headers. The whole exchange is bounded by {@code deadline}: past it the
     * connection is closed and the call fails as timed out. A 200's body is held in {@code lease} (null: no
     * budget) before it is read ({@link BodyBudget}); while a body of known length waits for it the
     * deadline stops (waiting for other images to finish is not the server's slowness: counted, a
     * slow backend behind a full budget would time out every fetch).
     */
    static HttpFetcher.Reply get(HttpURLConnection c, Duration deadline, long maxBytes,
                                 java.util.function.Function<String, IOException> tooLarge, BodyBudget.Lease lease,
                                 java.nio.file.Path to) throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        long start = System.nanoTime();
        ScheduledFuture<?>[] watch = {watch(c, expired, deadline.toMillis())};
        try {
            int code = c.getResponseCode();
            byte[] body = new byte[0];
            if (code == 200) {
                long length = c.getContentLengthLong();
                if (lease != null && length >= 0 && length <= maxBytes && watch[0].cancel(false)) {
                    long left = deadline.toMillis() - (System.nanoTime() - start) / 1_000_000;
                    lease.growTo(length, true);
                    watch[0] = watch(c, expired, Math.max(1, left));
                }
                try (InputStream in = c.getInputStream()) {
                    if (to == null) body = read(in, c.getContentLengthLong(), maxBytes, tooLarge, lease);
                    else {
                        copy(in, c.getContentLengthLong(), maxBytes, tooLarge, lease, to);
                        body = null;
                    }
                }
            } else {
                InputStream err = c.getErrorStream();
                if (err != null) err.close();
            }
            return new HttpFetcher.Reply(code, body, name -> Optional.ofNullable(c.getHeaderField(name)));
        } catch (SocketTimeoutException e) {
            c.disconnect();
            throw new java.net.http.HttpTimeoutException("timed out");
        } catch (IOException e) {
            c.disconnect();
            if (expired.get()) throw new java.net.http.HttpTimeoutException("timed out");
            throw e;
        } finally {
            watch[0].cancel(false);
        }
    }

    /**
     * A connection to {@code uri}, not yet connected, that follows no redirect, connects within {@code
     * connectTimeout} and waits at most {@code deadline} for any one read ({@link #get} bounds the whole).
     */
    static HttpURLConnection open(URI uri, Duration connectTimeout, Duration deadline) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setInstanceFollowRedirects(false);
        c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, deadline.toMillis()));
        return c;
    }

    /** Closes {@code c} (and marks it {@code expired}) in {@code millis} unless cancelled first. */
    private static ScheduledFuture<?> watch(HttpURLConnection c, AtomicBoolean expired, long millis) {
        return DEADLINES.schedule(() -> {
            expired.set(true);
            c.disconnect();
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** What a growing body of {@code size} bytes holds: whole MiB ahead, so the lease is not taken per read. */
    static long step(long size, long maxBytes) {
        return Math.min(maxBytes, (size + (1 << 20)) >> 20 << 20);
    }

    /** A body into the file {@code to} (created or emptied), {@link #COPY_BUFFER} bytes at a time, within the same limits as {@link #read}. */
    private static void copy(InputStream in, long length, long maxBytes, java.util.function.Function<String, IOException> tooLarge,
                             BodyBudget.Lease lease, java.nio.file.Path to) throws IOException {
        if (length > maxBytes) throw tooLarge.apply("larger than the limit of " + maxBytes + " bytes");
        if (length >= 0 && lease != null) lease.growTo(length, true);
        long n;
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(to)) {
            n = pump(in, out, length, maxBytes, tooLarge, lease);
        }
        if (length >= 0 && n != length) throw new IOException("body cut short: " + n + " of " + length + " bytes");
    }

    /**
     * {@code in} to its end into {@code out}, {@link #COPY_BUFFER} bytes at a time, failing past {@code
     * maxBytes}; with no {@code length} known the lease grows with the body ({@link #step}). Returns the bytes.
     */
    private static long pump(InputStream in, java.io.OutputStream out, long length, long maxBytes,
                             java.util.function.Function<String, IOException> tooLarge, BodyBudget.Lease lease) throws IOException {
        byte[] buf = new byte[COPY_BUFFER];
        long n = 0;
        for (int r; (r = in.read(buf)) > 0; ) {
            n += r;
            if (n > maxBytes) throw tooLarge.apply("larger than the limit of " + maxBytes + " bytes");
            if (length < 0 && lease != null) lease.growTo(step(n, maxBytes), false);
            out.write(buf, 0, r);
        }
        return n;
    }

    /** The piece a body is copied to a file by: a socket read rarely brings more. */
    static final int COPY_BUFFER = 64 << 10;

    private static byte[] read(InputStream in, long length, long maxBytes, java.util.function.Function<String, IOException> tooLarge,
                               BodyBudget.Lease lease) throws IOException {
        if (length > maxBytes) throw tooLarge.apply("larger than the limit of " + maxBytes + " bytes");
        if (length >= 0) {
            if (lease != null) lease.growTo(length, true);
            // Into the final array, each read as large as the socket gives (readNBytes(int) would read
            // 16 KiB pieces into arrays of their own and then copy them all once more).
            byte[] b = new byte[(int) length];
            int n = in.readNBytes(b, 0, b.length);
            if (n != length) throw new IOException("body cut short: " + n + " of " + length + " bytes");
            return b;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(COPY_BUFFER);
        pump(in, out, length, maxBytes, tooLarge, lease);
        return out.toByteArray();
    }
}
