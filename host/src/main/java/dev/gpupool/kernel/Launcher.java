package dev.gpupool.kernel;

import dev.gpupool.Backend;
import dev.gpupool.Pool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Chooses where a launch runs (see {@link Kernel}) and runs the Java fallback in ranges on the pool's threads. */
final class Launcher {
    /** The Java fallback is not split below this many items a range: each range is one pool task. */
    static final int MIN_CPU_RANGE = 1024;

    private Launcher() {
    }

    static CompletableFuture<LaunchReport> launch(Pool pool, Kernel k, int n, List<Arg> args) {
        KernelRunner device = pool.runtime().kernels();
        String missing = device == null ? "" : device.missingCode(k);
        if (missing == null) { // the device's own code
            if (n == 0) return CompletableFuture.completedFuture(new LaunchReport(k.name(), pool.backend(), pool.device(), 0, null));
            return pool.submit(() -> device.launch(k, n, args));
        }
        String note = missing.isEmpty() ? null : missing + "; ran its Java fallback on the pool's threads";
        if (!k.hasCpu()) {
            String why = missing.isEmpty()
                    ? "kernel " + k.name() + " has no Java fallback, the only code a " + pool.backend().cliName() + " pool runs"
                    : missing + " and no Java fallback";
            return CompletableFuture.failedFuture(new KernelException(why));
        }
        return runCpu(pool, k, n, args, note);
    }

    /** Splits {@code [0, n)} into at most {@code workers} ranges of at least {@link #MIN_CPU_RANGE} items. */
    static List<Range> split(int n, int workers) {
        List<Range> out = new ArrayList<>();
        if (n == 0) return out;
        int parts = Math.max(1, Math.min(workers, n / MIN_CPU_RANGE)); // every range holds at least MIN_CPU_RANGE items
        for (int p = 0; p < parts; p++) {
            out.add(new Range((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
        }
        return out;
    }

    private static CompletableFuture<LaunchReport> runCpu(Pool pool, Kernel k, int n, List<Arg> args, String note) {
        KernelArgs view = new KernelArgs(k.name(), args);
        CpuBody body = k.cpuBody();
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Range r : split(n, pool.workers())) {
            parts.add(pool.submit(() -> {
                body.run(r, view);
                return null;
            }));
        }
        String device = pool.workers() + " thread" + (pool.workers() == 1 ? "" : "s") + " in this process";
        LaunchReport report = new LaunchReport(k.name(), Backend.CPU_THREADS, device, n, note);
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> report);
    }
}
