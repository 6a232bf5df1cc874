package dev.gpupool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpupool.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code --timeout SECONDS} on a real command line: an image past its limit fails with a one-line
 * reason, nothing of it is written, its worker (a process on {@code cpu}, a thread on {@code
 * cpu-threads}) is replaced, and the batch ends. A limit far below any image's time makes every
 * image such an image; how the pools stop and replace workers is checked in their own tests
 * (ProcessPoolTest, StoppedWorkerTest, PoolTimeoutTest).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TimeoutCliTest {
    @TempDir
    Path tmp;

    private JsonNode run(String backend, String expectedReason) throws Exception {
        Path in = tmp.resolve(backend + "-in"), out = tmp.resolve(backend + "-out"), err = tmp.resolve(backend + ".err");
        Path report = tmp.resolve(backend + ".json");
        for (int i = 0; i < 4; i++) TestImages.write(in.resolve("p" + i + ".jpg"), 1600, 1200, "jpeg");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "thumbnails", "--backend", backend, "-j", "2", "--timeout", "0.001", in.toString(), "-o", out.toString(),
                "--report", report.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the batch did not end");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String text = Files.readString(err);
        assertEquals(1, p.exitValue(), text);
        assertFalse(text.contains("\tat "), text);
        assertTrue(text.lines().toList().getLast().startsWith("0 ok, 4 failed, 0 skipped"), text);
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        for (JsonNode it : r.get("items")) {
            assertEquals("failed", it.get("status").asText(), it.toString());
            assertEquals(expectedReason, it.get("error").asText(), it.toString());
            assertTrue(text.contains("FAILED " + it.get("input").asText() + ": " + expectedReason), text);
        }
        Thread.sleep(500); // an abandoned thread's late write would land now
        try (Stream<Path> s = Files.exists(out) ? Files.walk(out) : Stream.empty()) {
            assertEquals(List.of(), s.filter(Files::isRegularFile).toList(), "nothing written for an image past its limit");
        }
        System.out.println(backend + ": " + text.lines().filter(l -> l.startsWith("FAILED")).findFirst().orElseThrow());
        return r;
    }

    @Test
    void anImagePastItsTimeLimitFailsOnCpuAndItsWorkerProcessIsReplaced() throws Exception {
        run("cpu", "ran longer than its time limit of 0.001 s; its worker process was killed and replaced");
    }

    @Test
    void anImagePastItsTimeLimitFailsOnCpuThreads() throws Exception {
        run("cpu-threads", "task timed out after 1 ms");
    }

    @Test
    void aNegativeTimeoutIsAUsageError() {
        CliRun.gpupool("thumbnails", "--timeout", "-5", tmp.toString(), "-o", tmp.resolve("o").toString())
                .assertUsageError("gpupool thumbnails", "--timeout must be 0 (none) or a number of seconds, not -5");
    }
}
