package dev.gpupool.cpu;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Throwaway measurement, not a test: time from {@code start()} to the first response with a
 * trivial handler (no cache, dynamic AppCDS archive, JDK 25 AOT cache), and the round trip of tiny
 * requests. Needs a class path of jars (caches cover jars only): {@code jar cf /tmp/m.jar -C target/classes .},
 * the same for test-classes, then {@code java -cp /tmp/m.jar:/tmp/t.jar dev.gpupool.cpu.StartupMeasurement}.
 */
public final class StartupMeasurement {
    static final int RUNS = 9;

    public static void main(String[] args) throws Exception {
        byte[] echo = "echo:x".getBytes(StandardCharsets.UTF_8);
        Path cache = WorkerLauncher.cachePath(System.getProperty("java.class.path"), List.of());
        System.out.println("AOT cache file: " + cache);
        if (cache != null) {
            Files.deleteIfExists(cache);
        }
        report("no startup cache (default JDK CDS only)", () -> ProcessPool.Options.of(ScriptHandler.class).workers(1).startupCache(false), echo);
        Path jsa = Files.createTempDirectory("gpupool-jsa").resolve("worker.jsa");
        report("dynamic AppCDS (first run creates)", () -> ProcessPool.Options.of(ScriptHandler.class).workers(1)
                .startupCache(false).jvmOptions("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + jsa), echo);
        // First run trains and writes the cache at worker exit (close() waits for it); the rest map it.
        long tt = System.nanoTime();
        try (ProcessPool training = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(1))) {
            training.submit(echo).get();
            System.out.printf("training run: first response %d ms%n", (System.nanoTime() - tt) / 1_000_000);
            tt = System.nanoTime();
        }
        System.out.printf("training run: close() incl. cache assembly %d ms, cache written: %s%n",
                (System.nanoTime() - tt) / 1_000_000, cache != null && Files.exists(cache));
        report("JDK 25 AOT cache (startupCache default)", () -> ProcessPool.Options.of(ScriptHandler.class).workers(1), echo);
        report("2 workers, AOT cache, first response", () -> ProcessPool.Options.of(ScriptHandler.class).workers(2), echo);
        report("2 workers, no cache, first response", () -> ProcessPool.Options.of(ScriptHandler.class).workers(2).startupCache(false), echo);

        try (ProcessPool pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(1))) {
            for (int i = 0; i < 5000; i++) {
                pool.submit(echo).get(); // warm up both sides
            }
            long[] rt = new long[5000];
            for (int i = 0; i < rt.length; i++) {
                long t0 = System.nanoTime();
                pool.submit(echo).get();
                rt[i] = System.nanoTime() - t0;
            }
            Arrays.sort(rt);
            System.out.printf("round trip, 1 worker, tiny request: median %.1f us, p99 %.1f us%n",
                    rt[rt.length / 2] / 1e3, rt[rt.length * 99 / 100] / 1e3);
        }
        try (ProcessPool pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(2))) {
            pool.submit(echo).get();
            pool.submit(echo).get();
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                List<CompletableFuture<byte[]>> fs = new ArrayList<>();
                for (int i = 0; i < 20000; i++) {
                    fs.add(pool.submit(echo));
                }
                for (CompletableFuture<byte[]> f : fs) {
                    f.get();
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("throughput, 2 workers, 20000 tiny requests: %.0f tasks/s%n", 20000 / s);
            }
        }
    }

    interface OptionsFactory {
        ProcessPool.Options make();
    }

    static void report(String label, OptionsFactory options, byte[] request) throws Exception {
        long[] ms = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            try (ProcessPool pool = ProcessPool.start(options.make())) {
                pool.submit(request).get();
                ms[i] = (System.nanoTime() - t0) / 1_000_000;
            }
        }
        long first = ms[0];
        Arrays.sort(ms);
        System.out.printf("%-45s median %d ms (first %d, min %d, max %d)%n", label, ms[RUNS / 2], first, ms[0], ms[RUNS - 1]);
    }
}
