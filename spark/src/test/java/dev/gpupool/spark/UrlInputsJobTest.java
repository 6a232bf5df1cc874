package dev.gpupool.spark;

import com.sun.net.httpserver.HttpServer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Spark job's URL inputs are fetched by the command line's rules (a 503 is retried, a redirect followed)
 * and its {@code --timeout} holds on the executors: before, executors fetched with a client of their own
 * that failed an image on its first 503, and accepted {@code --timeout} without applying it.
 */
class UrlInputsJobTest {
    @TempDir
    Path tmp;

    @Test
    void urlsAreRetriedAndAnItemPastTheTimeoutFails() throws Exception {
        SparkSession spark = SharedSpark.get();
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(ThumbnailJobTest.photo(320, 240, 3), "jpeg", jpeg);
        byte[] body = jpeg.toByteArray();
        Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                if (path.startsWith("/slow/")) {
                    Thread.sleep(20_000);               // past the job's 2 s limit
                } else if (path.startsWith("/flaky/") && refusedOnce.add(path)) {
                    ex.sendResponseHeaders(503, -1);
                    return;
                } else if (path.startsWith("/moved/")) {
                    ex.getResponseHeaders().set("Location", "/flaky/" + path.substring("/moved/".length()));
                    ex.sendResponseHeaders(302, -1);
                    return;
                }
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            List<String> inputs = List.of(base + "/flaky/a.jpg", base + "/flaky/b.jpg", base + "/moved/c.jpg", base + "/slow/d.jpg");
            JobOptions o = JobOptions.defaults().withSizes("64").withBackend("cpu-threads").withTimeout(Duration.ofSeconds(2));
            long t0 = System.nanoTime();
            ThumbnailJob.Result r = ThumbnailJob.run(spark, inputs, tmp.resolve("out").toString(), null, 2, o, System.in);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(3, r.ok(), r.summary());
            assertEquals(1, r.failed(), r.summary());
            Row slow = r.report().filter(col("status").equalTo("failed")).first();
            assertTrue(slow.<String>getAs("input").endsWith("/slow/d.jpg"), slow.toString());
            assertTrue(slow.<String>getAs("error").contains("timed out after 2 s"), slow.toString());
            assertTrue(seconds < 15, "the job took " + seconds + " s: the 2 s limit did not hold");
        } finally {
            server.stop(0);
        }
    }
}
