package dev.gpupool.bench.http;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * One HTTP client under measurement: a GET whose whole body ends in a {@code byte[]}. A client is
 * blocking or asynchronous, whichever is natural for it, so that each is measured as it would be
 * used: {@link Batch} runs a blocking one on a fixed number of threads (virtual or platform, as the
 * client says) and keeps that many exchanges of an asynchronous one in flight, with no thread each.
 */
public sealed interface Client extends AutoCloseable permits Client.Blocking, Client.Async {
    /** The status, the body (empty for a body-less answer), and the protocol version the server answered in. */
    record Reply(int status, byte[] body, String version) {
    }

    /** A client whose {@code get} holds the calling thread until the body is read. */
    non-sealed interface Blocking extends Client {
        Reply get(URI uri) throws IOException, InterruptedException;

        /** Whether {@link Batch} should run the exchanges on virtual threads (else on platform threads). */
        default boolean virtualThreads() {
            return false;
        }
    }

    /** A client whose {@code get} returns at once and completes the future from the client's own threads. */
    non-sealed interface Async extends Client {
        CompletableFuture<Reply> get(URI uri);
    }

    @Override
    default void close() throws Exception {
    }
}
