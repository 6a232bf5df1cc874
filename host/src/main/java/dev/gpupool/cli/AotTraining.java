package dev.gpupool.cli;

import dev.gpupool.benchmark.BenchRun;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Not a command: the training run the {@code gpupool} launcher makes once per build, under
 * {@code -XX:AOTCacheOutput}, so that the JDK's AOT cache holds the classes, linkage and profiles of
 * what users run most, on every path: {@code thumbnails} in-process ({@code cpu-threads}) and
 * through worker processes ({@code cpu}, which also leaves the workers' own cache behind), shrink
 * factors from 3/8 to 1/8 (progressive pruning included), JPEG, PNG and WebP out, and
 * {@code devices}. One command line trained only its own path, and the others paid for it at
 * every start (the process pool's classes alone cost the {@code cpu} backend ~0.1 s of CPU).
 *
 * <p>Usage: {@code java -XX:AOTCacheOutput=FILE -cp gpupool.jar dev.gpupool.cli.AotTraining SAMPLES_DIR}.
 * Output is discarded. The exit status is 0 even when a run fails (a machine without libwebp, say):
 * the cache is still worth keeping, and the failing run's count goes to standard error.
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: AotTraining SAMPLES_DIR");
            System.exit(Main.USAGE);
        }
        int failures = train(args[0]);
        if (failures > 0) System.err.println("AotTraining: " + failures + " run(s) failed");
    }

    /** Runs the training command lines on {@code samples}; returns how many did not exit 0. */
    static int train(String samples) throws IOException {
        Path out = Files.createTempDirectory("gpupool-training");
        PrintStream stdout = System.out, stderr = System.err;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        int failures = 0;
        try {
            System.setOut(quiet);
            System.setErr(quiet);
            String[][] runs = {
                    {"thumbnails", samples, "-o", out.resolve("threads").toString(), "--backend", "cpu-threads", "-s", "128,256"},
                    {"thumbnails", samples, "-o", out.resolve("processes").toString(), "--backend", "cpu", "-s", "256"},
                    {"thumbnails", samples, "-o", out.resolve("small").toString(), "--backend", "cpu-threads", "-s", "64", "-f", "png"},
                    {"thumbnails", samples, "-o", out.resolve("webp").toString(), "--backend", "cpu-threads", "-s", "200", "-f", "webp"},
                    {"devices"},
            };
            for (String[] run : runs) {
                if (Main.run(run) != Main.OK) failures++;
            }
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            try {
                BenchRun.deleteTree(out);
            } catch (IOException e) {
                // a leftover temporary directory is harmless; the cache is what matters
            }
        }
        return failures;
    }
}
