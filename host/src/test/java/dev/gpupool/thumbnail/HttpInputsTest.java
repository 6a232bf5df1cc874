package dev.gpupool.thumbnail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 6's HTTP criterion on loopback: 200 images served with 100 ms of latency per request (20 s if
 * fetched one after another), every tenth answered 503 on its first try: all arrive, fetches overlap
 * (the run takes a fraction of the sequential time), and the trace shows fetch and decode overlapping.
 * The speed ratio against local copies is measured in bench/ (bench/README.md), not asserted here.
 */
class HttpInputsTest {
    @TempDir
    Path tmp;

    @Test
    void twoHundredSlowFlakyUrlsAllArriveWithOverlappingFetches() throws Exception {
        int n = 200;
        Path local = tmp.resolve("local");
        byte[] seed = Files.readAllBytes(TestImages.write(tmp.resolve("seed.jpg"), 320, 240, "jpeg"));
        Files.createDirectories(local);
        for (int i = 0; i < n; i++) Files.write(local.resolve("p" + i + ".jpg"), seed);

        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/img/", ex -> {
            try (ex) {
                String name = ex.getRequestURI().getPath().substring("/img/".length());
                hits.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                Thread.sleep(100);
                int i = Integer.parseInt(name.replaceAll("\\D", ""));
                if (i % 10 == 0 && failedOnce.add(name)) {
                    ex.sendResponseHeaders(503, -1);
                    return;
                }
                byte[] body = Files.readAllBytes(local.resolve(name));
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        try (Pool pool = Pool.open(Backend.CPU_THREADS)) {
            List<String> urls = new ArrayList<>();
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/img/";
            for (int i = 0; i < n; i++) urls.add(base + "p" + i + ".jpg");
            Path trace = tmp.resolve("trace.json");

            long t0 = System.nanoTime();
            BatchReport http = Thumbnailer.on(pool).size(64, 64).trace(trace).runInputs(urls, tmp.resolve("out-http"));
            double httpSeconds = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            BatchReport files = Thumbnailer.on(pool).size(64, 64).run(List.of(local), tmp.resolve("out-local"));
            double localSeconds = (System.nanoTime() - t1) / 1e9;
            System.out.printf("200 URLs at 100 ms each: %.2f s; the same from local files: %.2f s (ratio %.2f)%n",
                    httpSeconds, localSeconds, httpSeconds / localSeconds);

            assertEquals(n, http.ok(), "every URL arrives: " + http.items().stream().filter(i -> !i.isOk()).limit(3).toList());
            assertEquals(n, files.ok());
            for (int i = 0; i < n; i++) assertTrue(Files.isRegularFile(tmp.resolve("out-http/p" + i + ".jpg")), "p" + i);
            assertEquals(2, hits.get("p10.jpg").get(), "a 503 is retried once");
            assertEquals(1, hits.get("p11.jpg").get(), "a good answer is fetched once");
            assertTrue(httpSeconds < 10, "fetches must overlap: 200 x 100 ms one after another is 20 s, took " + httpSeconds);
            assertTrue(http.stages().get("fetch") > 20 * 0.9, "busy fetch time counts every request's latency: " + http.stages());

            JsonNode events = new ObjectMapper().readTree(trace.toFile()).get("traceEvents");
            long fetchLanes = 0;
            for (JsonNode e : events) {
                if (e.path("name").asText().equals("thread_name") && e.path("args").path("name").asText().startsWith("fetch · lane")) fetchLanes++;
            }
            assertTrue(fetchLanes > 1, "the trace shows fetches overlapping on several lanes, got " + fetchLanes);
        } finally {
            server.stop(0);
        }
    }
}
