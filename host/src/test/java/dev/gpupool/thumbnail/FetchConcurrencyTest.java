package dev.gpupool.thumbnail;

import com.sun.net.httpserver.HttpServer;
import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 16 item 3: {@code --io-concurrency} is a cap, not the number of fetches in flight. With one
 * worker thumbnailing 3 MP PNGs (decoded whole: no shrink-on-load as for JPEG; a few dozen a second at
 * most) behind 100 ms of latency, latency x rate calls for about ten fetches at once; a fixed window of
 * 64 fetched all 60 inputs at once and held their bodies until the worker got to them.
 */
class FetchConcurrencyTest {
    @TempDir
    Path tmp;

    @Test
    void fetchesInFlightFollowTheBackendNotTheCap() throws Exception {
        int n = 60;
        byte[] photo = Files.readAllBytes(TestImages.write(tmp.resolve("seed.png"), 2000, 1500, "png"));
        AtomicInteger now = new AtomicInteger(), most = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/img/", ex -> {
            try (ex) {
                most.accumulateAndGet(now.incrementAndGet(), Math::max);
                Thread.sleep(100);
                ex.sendResponseHeaders(200, photo.length);
                ex.getResponseBody().write(photo);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                now.decrementAndGet();
            }
        });
        server.start();
        try (Pool pool = Pool.builder().backend(Backend.CPU_THREADS).workers(1).open()) {
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < n; i++) urls.add("http://127.0.0.1:" + server.getAddress().getPort() + "/img/p" + i + ".png");
            BatchReport r = Thumbnailer.on(pool).size(64, 64).ioConcurrency(64).runInputs(urls, tmp.resolve("out"));
            assertEquals(n, r.ok(), "every input arrives");
            System.out.println("most requests at once: " + most.get() + " of a cap of 64");
            assertTrue(most.get() <= n / 2, "fetches in flight follow latency x rate, not the cap: " + most.get());
            assertTrue(most.get() >= 2, "fetches still overlap: " + most.get());
        } finally {
            server.stop(0);
        }
    }
}
