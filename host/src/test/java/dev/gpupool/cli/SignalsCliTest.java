package dev.gpupool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpupool.TestImages;
import dev.gpupool.job.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * SIGTERM and SIGINT on a real {@code gpupool thumbnails} in the middle of a batch: the run stops
 * taking work, lets running images finish for up to the grace (10 s), kills the rest, and exits
 * 143 or 130 with every input in the report (the unfinished ones failed, "interrupted by SIGTERM"),
 * the summary last on standard error, no stack trace, no temporary file and no worker process
 * left. A worker holding images is stopped (SIGSTOP) to play a slow image.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SignalsCliTest {
    private static final int INPUTS = 150;

    @TempDir
    Path tmp;
    private Process running; // ended in tearDown, with its workers, whatever the test found

    @org.junit.jupiter.api.AfterEach
    void tearDown() {
        if (running == null) return;
        running.descendants().forEach(ProcessHandle::destroyForcibly);
        running.destroyForcibly();
    }

    /** A run of the command line; its standard error and report. */
    private record Run(Process process, Path in, Path out, Path err, Path report) {
    }

    private Run start(String backend) throws IOException {
        Path in = tmp.resolve("in"), out = tmp.resolve("out"), err = tmp.resolve("err.txt"), report = tmp.resolve("report.json");
        for (int i = 0; i < INPUTS; i++) TestImages.write(in.resolve(String.format("p%03d.jpg", i)), 480, 360, "jpeg");
        // env --default-signal: a JVM started with SIGINT ignored (a background job of a script) keeps it ignored.
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT,TERM",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "thumbnails", "--backend", backend, "-j", "2", in.toString(), "-o", out.toString(), "--report", report.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        running = p;
        return new Run(p, in, out, err, report);
    }

    private static long outputs(Path dir) throws IOException {
        return CliRun.filesUnder(dir).stream().filter(f -> !f.getFileName().toString().contains(AtomicFiles.TEMP_MARK)).count();
    }

    /** Waits until the batch has written {@code n} outputs (it is then well under way). */
    private static void awaitOutputs(Run r, int n) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (r.process().isAlive() && outputs(r.out()) < n && System.nanoTime() < end) Thread.sleep(20);
        assertTrue(r.process().isAlive(), "the batch ended before the signal:\n" + Files.readString(r.err()));
        assertTrue(outputs(r.out()) >= n, "the batch did not get going:\n" + Files.readString(r.err()));
    }

    private static void kill(String signal, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor());
    }

    /**
     * The checks every signalled run must pass; returns the report. {@code reason}: what the
     * unfinished inputs fail with.
     */
    private JsonNode assertCleanEnd(Run r, int status, String reason, List<ProcessHandle> workers) throws Exception {
        String err = Files.readString(r.err());
        assertEquals(status, r.process().exitValue(), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), "a stack trace:\n" + err);
        assertFalse(err.contains("pool is closed"), err);
        List<String> lines = err.lines().toList();
        System.out.println("  ... " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
        assertTrue(lines.getLast().matches("\\d+ ok, \\d+ failed, 0 skipped in .* on cpu.*"), "the summary is last:\n" + err);
        assertTrue(err.contains("gpupool: " + reason), err);
        JsonNode report = new ObjectMapper().readTree(r.report().toFile());
        assertEquals(INPUTS, report.get("items").size(), "every input in the report");
        int ok = 0, failed = 0;
        for (JsonNode it : report.get("items")) {
            if (it.get("status").asText().equals("ok")) {
                ok++;
                assertTrue(Files.isRegularFile(Path.of(it.get("output").asText())), it.toString());
            } else {
                failed++;
                assertEquals("failed", it.get("status").asText(), it.toString());
                assertEquals(reason, it.get("error").asText(), it.toString());
                assertFalse(Files.exists(Path.of(it.get("output").asText())), "a failed input has no output: " + it);
            }
        }
        assertTrue(failed >= 1, "the signal came in the middle: some inputs were not finished");
        assertEquals(ok, report.get("ok").asInt());
        assertEquals(failed, report.get("failed").asInt());
        assertTrue(lines.getLast().startsWith(ok + " ok, " + failed + " failed"), lines.getLast());
        assertEquals(ok, outputs(r.out()), "exactly the ok inputs have outputs");
        assertEquals(List.of(), CliRun.filesUnder(r.out()).stream().filter(f -> f.getFileName().toString().contains(AtomicFiles.TEMP_MARK)).toList(),
                "no temporary file left");
        for (ProcessHandle w : workers) assertFalse(w.isAlive(), "worker " + w.pid() + " outlived the run");
        return report;
    }

    /**
     * The stopped worker is killed by the pool's watch for stopped workers (three checks a second
     * apart) within the grace; its images fail with the signal's reason, and are not run again.
     */
    @Test
    void sigtermOnCpuWithImagesStuckInAStoppedWorkerEndsWithinTheGraceWithTheReport() throws Exception {
        Run r = start("cpu");
        awaitOutputs(r, 10);
        List<ProcessHandle> workers = r.process().descendants().toList();
        assertFalse(workers.isEmpty());
        for (ProcessHandle w : workers) kill("STOP", w.pid()); // the images they hold now never finish
        Thread.sleep(200);
        long t0 = System.nanoTime();
        kill("TERM", r.process().pid());
        assertTrue(r.process().waitFor(40, TimeUnit.SECONDS), "still running 40 s after SIGTERM");
        double took = (System.nanoTime() - t0) / 1e9;
        for (ProcessHandle w : workers) w.onExit().get(5, TimeUnit.SECONDS);
        JsonNode report = assertCleanEnd(r, 143, "interrupted by SIGTERM", workers);
        assertTrue(took < 14, "the stuck images ended within the 10 s grace, and then the run: " + took + " s");
        System.out.printf("SIGTERM, cpu, stuck worker: exit 143 after %.1f s, %d ok, %d failed%n", took,
                report.get("ok").asInt(), report.get("failed").asInt());
    }

    @Test
    void sigtermOnCpuLetsRunningImagesFinishWithinTheGrace() throws Exception {
        Run r = start("cpu");
        awaitOutputs(r, 10);
        List<ProcessHandle> workers = r.process().descendants().toList();
        for (ProcessHandle w : workers) kill("STOP", w.pid());
        Thread.sleep(200);
        long before = outputs(r.out());
        long t0 = System.nanoTime();
        kill("TERM", r.process().pid());
        Thread.sleep(1500);
        for (ProcessHandle w : workers) kill("CONT", w.pid()); // the images in flight may now finish
        assertTrue(r.process().waitFor(40, TimeUnit.SECONDS), "still running 40 s after SIGTERM");
        double took = (System.nanoTime() - t0) / 1e9;
        for (ProcessHandle w : workers) w.onExit().get(5, TimeUnit.SECONDS);
        JsonNode report = assertCleanEnd(r, 143, "interrupted by SIGTERM", workers);
        assertTrue(report.get("ok").asInt() > before, "the images running at the signal finished: " + before + " outputs then, "
                + report.get("ok").asInt() + " ok at the end");
        assertTrue(took < 8, "the run ended once they had, not at the end of the grace: " + took + " s");
        System.out.printf("SIGTERM, cpu, images in flight: exit 143 after %.1f s, %d ok (%d before the signal), %d failed%n", took,
                report.get("ok").asInt(), before, report.get("failed").asInt());
    }

    @Test
    void sigintOnCpuThreadsStopsAtOnceWithTheReport() throws Exception {
        Run r = start("cpu-threads");
        awaitOutputs(r, 10);
        long t0 = System.nanoTime();
        kill("INT", r.process().pid());
        assertTrue(r.process().waitFor(40, TimeUnit.SECONDS), "still running 40 s after SIGINT");
        double took = (System.nanoTime() - t0) / 1e9;
        JsonNode report = assertCleanEnd(r, 130, "interrupted by SIGINT", List.of());
        assertTrue(took < 8, "nothing was stuck: the run ended as its running images did, " + took + " s");
        System.out.printf("SIGINT, cpu-threads: exit 130 after %.1f s, %d ok, %d failed%n", took,
                report.get("ok").asInt(), report.get("failed").asInt());
    }

    @Test
    void aSigtermAtAnyMomentOfTheStartEndsCleanly() throws Exception {
        Run first = start("cpu-threads");
        first.process().destroyForcibly().waitFor(); // the inputs are made; later runs start at once
        for (int delay = 0; delay <= 1500; delay += 300) {
            Path err = tmp.resolve("early-" + delay + ".txt");
            Process p = new ProcessBuilder("env", "--default-signal=INT,TERM",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "thumbnails", "--backend", "cpu-threads",
                    first.in().toString(), "-o", tmp.resolve("early-out").toString())
                    .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            running = p;
            Thread.sleep(delay);
            // The batch may end before the signal on a quiet machine: then there is nothing to kill.
            int sent = new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertTrue(sent == 0 || p.waitFor(0, TimeUnit.SECONDS), "kill failed, yet the run is still going");
            assertTrue(p.waitFor(40, TimeUnit.SECONDS), "still running 40 s after SIGTERM");
            String text = Files.readString(err);
            assertFalse(text.contains("\tat ") || text.contains("Exception"), "SIGTERM after " + delay + " ms:\n" + text);
            if (p.exitValue() == 0) continue; // the batch was done before the signal (a fast machine)
            assertEquals(143, p.exitValue(), "SIGTERM after " + delay + " ms:\n" + text);
            if (!text.isBlank()) {
                String last = text.lines().toList().getLast();
                assertTrue(last.matches("\\d+ ok, \\d+ failed, \\d+ skipped in .*") || last.startsWith("gpupool: interrupted"), // before the pool noted which signal, just "interrupted"
                        "SIGTERM after " + delay + " ms: the last line is " + last);
            }
        }
    }
}
