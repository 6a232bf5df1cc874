package dev.gpupool.thumbnail;

import com.sun.net.httpserver.HttpServer;
import dev.gpupool.Backend;
import dev.gpupool.Pool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19, signals: a batch of URLs whose server never answers stops as soon as its pool is
 * interrupted. Before, a SIGTERM waited for each fetch's 30 s timeout and its retries, longer than the
 * command waits for its report, and the run ended without one.
 */
class BatchStopTest {
    @TempDir
    Path tmp;

    @Test
    void aStoppedBatchFailsItsFetchesAtOnceWithTheReason() throws Exception {
        AtomicInteger answered = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/slow/", ex -> {
            try (ex) {
                Thread.sleep(60_000);          // longer than the fetcher's timeouts: only a stop ends it early
                answered.incrementAndGet();
                ex.sendResponseHeaders(503, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        AtomicReference<String> stop = new AtomicReference<>();
        try (Pool pool = Pool.builder().backend(Backend.CPU_THREADS).workers(1).open()) {
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < 12; i++) urls.add("http://127.0.0.1:" + server.getAddress().getPort() + "/slow/p" + i + ".jpg");
            Path out = tmp.resolve("out");
            List<Input> inputs = new InputScanner(out, System.in).scan(urls);
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(700);
                } catch (InterruptedException ignored) {
                }
                stop.set("interrupted by SIGTERM");
            });
            long t0 = System.nanoTime();
            BatchReport r = new BatchRunner(pool.runtime().thumbnails(pool), Backend.CPU_THREADS, "test",
                    Thumbnailer.on(pool).size(64, 64).spec(), false, 2, 4, it -> { }).stopWhen(stop::get).run(inputs, out);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 10, "the batch ran " + seconds + " s after its stop");
            assertEquals(12, r.items().size());
            assertEquals(12, r.failed(), r.items().toString());
            for (BatchReport.Item it : r.items()) assertEquals("interrupted by SIGTERM", it.error(), it.toString());
            assertEquals(0, answered.get());
        } finally {
            server.stop(0);
        }
    }
}
