package dev.gpupool.bench.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The JDK's blocking {@link HttpURLConnection}, as gpupool's fetcher uses it today
 * ({@code dev.gpupool.thumbnail.UrlConnectionExchange}): no redirects, the body of a 200 read straight
 * into an array of its Content-Length, the error stream of anything else closed so that the
 * connection can go back to the JDK's keep-alive cache. On virtual threads (what gpupool does now) or
 * on platform threads (where its lead engineer is moving it), to see what each costs.
 */
final class UrlConnectionClient implements Client.Blocking {
    private static final int TIMEOUT_MS = 60_000;
    private final boolean virtual;

    UrlConnectionClient(boolean virtual) {
        this.virtual = virtual;
    }

    @Override
    public boolean virtualThreads() {
        return virtual;
    }

    @Override
    public Reply get(URI uri) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setInstanceFollowRedirects(false);
        c.setConnectTimeout(TIMEOUT_MS);
        c.setReadTimeout(TIMEOUT_MS);
        int code = c.getResponseCode();
        if (code != 200) {
            InputStream err = c.getErrorStream();
            if (err != null) err.close();
            return new Reply(code, new byte[0], null);
        }
        long length = c.getContentLengthLong();
        try (InputStream in = c.getInputStream()) {
            byte[] body = length >= 0 ? in.readNBytes((int) length) : in.readAllBytes();
            if (length >= 0 && body.length != length) throw new IOException(uri + ": body cut short at " + body.length + " of " + length + " bytes");
            return new Reply(code, body, null);
        }
    }
}
