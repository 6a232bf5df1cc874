package dev.gpupool.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How many worker processes a {@link ProcessPool} runs and how many task threads each: pure
 * arithmetic over what was asked and what the machine has.
 *
 * <p>The rule: {@code processes = min(ceil(requested / threadsPerProcess), ceil(expectedTasks /
 * threadsPerProcess) when known, cores, usable memory / per-process need)}, at least 1; tasks run
 * at once ({@link #workers}) are then {@code min(requested, processes * threadsPerProcess,
 * expectedTasks)}, spread over the processes as evenly as possible (5 over 2: 3 + 2). A worker JVM
 * more than there are cores only adds a start-up and a JIT warm-up; one more than memory holds gets
 * the whole batch killed. Threads per process are never raised: above 1 the handler must be
 * thread-safe, which only the caller knows.
 *
 * @param workers tasks run at once
 * @param threadsPerProcess the most task threads of one process
 * @param processes worker processes
 * @param requested the tasks at once that were asked for
 * @param reduced why fewer than {@code requested} run at once (one line), or null: also null when only
 *                the tasks' number bounds a pool asked for no more than the cores (a small batch at the
 *                default is no news; {@code -j 10000} for 29 images is)
 */
record PoolShape(int workers, int threadsPerProcess, int processes, int requested, String reduced) {

    /** What a worker JVM needs beside its task threads: its heap's floor, metaspace, code cache, stacks. */
    static final long PROCESS_BASE_BYTES = 96L << 20;
    /** What one task thread needs when the JVM options set no heap: a decoded 24-megapixel photo and its thumbnail. */
    static final long THREAD_BYTES = 160L << 20;

    /** The resources of the machine a pool runs on. */
    record Machine(int cores, long usableMemory) {

        /** This machine now: available processors and available memory (within a container's limit). */
        static Machine detect() {
            return new Machine(Runtime.getRuntime().availableProcessors(), availableMemory());
        }

        private static long availableMemory() {
            long total = Long.MAX_VALUE;
            long free = -1;
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os) {
                total = os.getTotalMemorySize(); // a container's limit where there is one
                free = os.getFreeMemorySize();
            }
            try {
                // MemAvailable counts the page cache the kernel gives back, which the free size does not.
                for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemAvailable:")) {
                        free = Math.max(free, Long.parseLong(line.replaceAll("\\D", "")) << 10);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux: the bean's figure
            }
            return free < 0 ? Long.MAX_VALUE : Math.min(free, total);
        }
    }

    /** Memory one worker process with these JVM options and threads needs: its {@code -Xmx} if set. */
    static long processNeed(List<String> jvmOptions, int threads) {
        for (int i = jvmOptions.size() - 1; i >= 0; i--) {
            long heap = bytes(jvmOptions.get(i));
            if (heap > 0) return PROCESS_BASE_BYTES + heap;
        }
        return PROCESS_BASE_BYTES + threads * THREAD_BYTES;
    }

    /** {@code -Xmx512m} as bytes, or -1. */
    static long bytes(String option) {
        if (!option.startsWith("-Xmx") || option.length() < 5) return -1;
        String v = option.substring(4).toLowerCase(java.util.Locale.ROOT);
        int shift = switch (v.charAt(v.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        try {
            return Long.parseLong(shift == 0 ? v : v.substring(0, v.length() - 1)) << shift;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The shape for {@code requested} tasks at once on processes of up to {@code threadsPerProcess}
     * threads, for {@code expectedTasks} tasks in all (0: not known), on {@code machine}, where one
     * process needs {@code processNeed} bytes.
     */
    static PoolShape of(int requested, int threadsPerProcess, int expectedTasks, Machine machine, long processNeed) {
        int processes = ceilDiv(requested, threadsPerProcess);
        String why = null; // the tightest bound on the processes that applied, if any
        if (expectedTasks > 0 && ceilDiv(expectedTasks, threadsPerProcess) < processes) {
            processes = ceilDiv(expectedTasks, threadsPerProcess);
            why = tasks(expectedTasks);
        }
        boolean machineBound = false;
        if (machine.cores() < processes) {
            processes = Math.max(1, machine.cores());
            why = machine.cores() + (machine.cores() == 1 ? " core" : " cores");
            machineBound = true;
        }
        long fit = machine.usableMemory() / Math.max(1, processNeed);
        if (fit < processes) {
            processes = (int) Math.max(1, fit);
            why = (machine.usableMemory() >> 20) + " MiB of available memory at " + (processNeed >> 20) + " MiB per worker process";
            machineBound = true;
        }
        int workers = Math.min(requested, processes * threadsPerProcess);
        if (expectedTasks > 0 && expectedTasks < workers) {
            workers = Math.max(expectedTasks, processes);
            if (!machineBound) why = tasks(expectedTasks);
        }
        workers = Math.max(workers, processes);
        // Fewer tasks than asked, when only their number bounds the pool and no more than the cores were
        // asked (the default), is the normal small batch: nothing to warn of. Beyond the cores, say it.
        boolean worthSaying = machineBound || requested > machine.cores();
        String reduced = workers < requested && worthSaying
                ? requested + " tasks at once asked, " + workers + " on " + processes
                        + (processes == 1 ? " worker process" : " worker processes") + " (limited by " + why + ")"
                : null;
        return new PoolShape(workers, threadsPerProcess, processes, requested, reduced);
    }

    private static String tasks(int n) {
        return n + (n == 1 ? " task" : " tasks");
    }

    /** Task threads of process {@code slot}: the workers spread evenly, 5 over 2 processes as 3 + 2, not 4 + 1. */
    int lanes(int slot) {
        return workers / processes + (slot < workers % processes ? 1 : 0);
    }

    /** For example {@code "2 worker processes"}, or {@code "1 worker process, 2 threads"} when processes are shared. */
    String describe() {
        String p = processes + (processes == 1 ? " worker process" : " worker processes");
        return processes == workers ? p : p + ", " + workers + " threads";
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
