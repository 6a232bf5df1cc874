package dev.gpupool.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a host JVM leaves no worker process, even while the workers are busy and even
 * before anyone has reaped the dead host: a real host ({@link HostScenario}) with two workers
 * spinning on the CPU is SIGKILLed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkersDieWithTheirHostTest {
    @TempDir
    Path tmp;

    @Test
    void killMinus9OfTheHostEndsItsBusyWorkersWithinASecondOrTwo() throws Exception {
        Path log = tmp.resolve("host.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The host's parent becomes `sleep`, which never reaps it: the killed host stays a zombie, as
        // under a busy or careless supervisor, and a worker that polls for its parent sees it alive.
        Process parent = new ProcessBuilder("sh", "-c", "\"$0\" -cp \"$1\" " + HostScenario.class.getName()
                + " > \"$2\" 2>&1 & exec sleep 120", java, System.getProperty("java.class.path"), log.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<Long> workers = new ArrayList<>();
        long host = -1;
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (workers.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(50);
                for (String line : Files.exists(log) ? Files.readAllLines(log) : List.<String>of()) {
                    if (line.startsWith("host=")) host = Long.parseLong(line.substring(5));
                    if (line.startsWith("workers=")) for (String w : line.substring(8).split(",")) workers.add(Long.parseLong(w));
                }
            }
            assertEquals(2, workers.size(), "the host did not start its workers:\n" + Files.readString(log));
            ProcessHandle h = ProcessHandle.of(host).orElseThrow();
            assertEquals(List.of(h.pid(), h.pid()), workers.stream().map(w -> ProcessHandle.of(w).orElseThrow().parent()
                    .map(ProcessHandle::pid).orElse(-1L)).toList(), "the workers are the host's children");
            new ProcessBuilder("kill", "-9", Long.toString(host)).start().waitFor();
            long killed = System.nanoTime();
            for (long w : workers) {
                Optional<ProcessHandle> worker = ProcessHandle.of(w);
                long left = TimeUnit.SECONDS.toNanos(3) - (System.nanoTime() - killed);
                boolean gone = worker.isEmpty() || waitGone(worker.get(), left);
                assertTrue(gone, "worker " + w + " outlived its SIGKILLed host by 3 s");
            }
            System.out.printf("kill -9 of the host: both workers gone %.2f s later%n", (System.nanoTime() - killed) / 1e9);
        } finally {
            for (long w : workers) ProcessHandle.of(w).ifPresent(ProcessHandle::destroyForcibly);
            if (host > 0) ProcessHandle.of(host).ifPresent(ProcessHandle::destroyForcibly);
            parent.destroyForcibly(); // the zombie host goes to init, which reaps it
        }
    }

    private static boolean waitGone(ProcessHandle p, long nanos) throws InterruptedException {
        long end = System.nanoTime() + Math.max(0, nanos);
        while (System.nanoTime() < end) {
            if (!p.isAlive() || state(p).equals("Z")) return true; // a zombie worker has ended (its parent is dead)
            Thread.sleep(20);
        }
        return !p.isAlive() || state(p).equals("Z");
    }

    /** The process's state letter from /proc (R, S, Z, ...), or "" when it cannot be read. */
    private static String state(ProcessHandle p) {
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (Exception e) {
            return "";
        }
    }
}
