package dev.gpupool.cpu;

import java.util.Locale;

/**
 * One memory budget for the whole machine, shared by the host JVM and its worker JVMs, so that the
 * sum of their peaks stays under it. Budgeting per JVM let each worker take a quarter of the RAM as
 * its default heap: eight 13000x13000 PNGs peaked at 5.3 GB with one worker JVM and 10.6 GB with
 * two, and {@code -j} more workers simply meant more of the same.
 *
 * <p>The budget ({@link #total()}) is {@code --memory-budget} / the system property {@code
 * gpupool.memoryBudget} when given, else {@link #DEFAULT_FRACTION} of the memory available now
 * ({@code MemAvailable}, within a container's limit), measured once per JVM so that a prestarted
 * worker and its pool agree on it. It is divided ({@link #divide}) as:
 * <ul>
 *   <li>the host: {@link #HOST_BASE} for its own JVM plus {@link Division#bodies} for fetched image
 *       bodies in flight (held in its heap or spooled to {@code /dev/shm}: memory either way);</li>
 *   <li>each worker process, the rest in equal {@link Division#perWorker shares}: {@link
 *       PoolShape#PROCESS_BASE_BYTES} for the JVM itself, an eighth for native memory (codec buffers
 *       and what glibc keeps of them, {@link Division#mallocTrim}), the rest its heap ({@code -Xmx}),
 *       of which half is its decode budget ({@code gpupool.decodeBudget}: see {@code
 *       dev.gpupool.codec.MemoryBudget}, which makes a decode wait for it, or fail in one line when
 *       the image can never fit).</li>
 * </ul>
 * With no worker processes (in-process backends) the host's decode budget is what the workers would
 * have had. Fewer processes start when the budget cannot give each one {@link PoolShape#processNeed}.
 */
public final class MachineBudget {
    /**
     * Of the memory available when the budget is first needed, the part a run may use by default: a
     * quarter, as the JVM's own default heap is a quarter of RAM, so one worker peaks where it did before
     * and more workers share it instead of multiplying it (half let one worker's peak grow from 5.9 GB to
     * 8.0 GB on the eight 13000x13000 PNGs on a 24 GB machine).
     */
    public static final double DEFAULT_FRACTION = 0.25;
    /** What the host JVM needs besides bodies: heap floor, metaspace, code, the report of a large batch. */
    public static final long HOST_BASE = 256L << 20;
    /** The smallest budget accepted: one host and one worker running one small image. */
    public static final long MIN_TOTAL = 512L << 20;

    private static volatile long configured; // 0: not configured
    private static long measured;            // guarded by MachineBudget.class

    private MachineBudget() {
    }

    /**
     * Sets this JVM's budget (the command line's {@code --memory-budget}); pools started after it use it.
     *
     * @throws IllegalArgumentException below {@link #MIN_TOTAL}
     */
    public static void configure(long bytes) {
        if (bytes < MIN_TOTAL) {
            throw new IllegalArgumentException("memory budget " + format(bytes) + " is too small: at least " + format(MIN_TOTAL));
        }
        configured = bytes;
    }

    /** The budget in bytes: configured, else {@code gpupool.memoryBudget}, else the default. */
    public static long total() {
        long c = configured;
        if (c > 0) return c;
        String p = System.getProperty("gpupool.memoryBudget");
        if (p != null && !p.isBlank()) {
            try {
                return Math.max(MIN_TOTAL, parse(p));
            } catch (IllegalArgumentException e) {
                // an unreadable property: the default, as for any other unset tuning property
            }
        }
        synchronized (MachineBudget.class) {
            if (measured == 0) measured = defaultTotal(PoolShape.Machine.detect().usableMemory());
            return measured;
        }
    }

    /**
     * The budget a process pool of this JVM should divide among its workers, or 0 for none: none when
     * this JVM was given a heap limit ({@code JAVA_OPTS=-Xmx256m}) and no budget was configured, since
     * its workers then inherit that limit as they always did (the user bounded the run that way).
     */
    public static long forProcessPool() {
        boolean asked = configured > 0 || System.getProperty("gpupool.memoryBudget") != null;
        if (!asked && heapGiven(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())) return 0;
        return total();
    }

    /** Whether these JVM arguments limit the heap ({@code -Xmx}, {@code -XX:MaxRAM...}). */
    static boolean heapGiven(java.util.List<String> jvmArguments) {
        return jvmArguments.stream().anyMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxRAM"));
    }

    /** {@link #DEFAULT_FRACTION} of {@code available} bytes, at least {@link #MIN_TOTAL}. */
    static long defaultTotal(long available) {
        if (available == Long.MAX_VALUE) return 8L << 30; // nothing known: a modest machine's worth
        return Math.max(MIN_TOTAL, (long) (available * DEFAULT_FRACTION));
    }

    /**
     * {@code 4g}, {@code 512m}, {@code 1.5g}, {@code 65536k} or plain bytes (suffixes k, m, g, t, with or
     * without a trailing {@code b} or {@code ib}, any case) as bytes.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    public static long parse(String text) {
        String v = text.strip().toLowerCase(Locale.ROOT);
        if (v.endsWith("ib")) v = v.substring(0, v.length() - 2);
        else if (v.endsWith("b") && v.length() > 1 && !Character.isDigit(v.charAt(v.length() - 2))) v = v.substring(0, v.length() - 1);
        int shift = 0;
        if (!v.isEmpty()) {
            shift = switch (v.charAt(v.length() - 1)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                case 't' -> 40;
                default -> 0;
            };
        }
        String number = shift == 0 ? v : v.substring(0, v.length() - 1);
        double d;
        try {
            if (!number.matches("[0-9]+(\\.[0-9]+)?")) throw new NumberFormatException();
            d = Double.parseDouble(number) * (1L << shift);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a memory size: '" + text + "' (for example 4g, 512m, 1.5g)");
        }
        if (d >= Long.MAX_VALUE / 2.0) throw new IllegalArgumentException("memory size too large: " + text);
        return (long) d;
    }

    /** {@code 1536 MiB} / {@code 2.0 GiB}: how budgets are shown. */
    public static String format(long bytes) {
        if (bytes >= 10L << 30) return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        return ((bytes + (1 << 20) - 1) >> 20) + " MiB";
    }

    /**
     * How a budget is split for a run.
     *
     * @param total      the whole budget
     * @param host       the host's part: {@link #HOST_BASE} plus {@code bodies}
     * @param bodies     bytes of fetched bodies the host may hold at once
     * @param processes  worker processes (0: everything runs in the host)
     * @param perWorker  each worker process's part (0 without processes)
     * @param heap       each worker's {@code -Xmx} (0 without processes)
     * @param decode     each worker's decode budget; without processes, the host's
     * @param mallocTrim the glibc trim threshold for a worker: freed native memory it may keep
     */
    public record Division(long total, long host, long bodies, int processes, long perWorker, long heap, long decode,
                           long mallocTrim) {

        /** The {@code -Xmx} and decode budget options a worker JVM is started with. */
        java.util.List<String> workerOptions() {
            return java.util.List.of("-Xmx" + (heap >> 20) + "m", "-Dgpupool.decodeBudget=" + decode);
        }
    }

    /** The bytes for bodies in flight out of {@code total}: a sixteenth, between 16 MiB and 512 MiB. */
    static long bodies(long total) {
        return Math.clamp(total / 16, 16L << 20, 512L << 20);
    }

    /** The part of {@code total} the worker processes share: all but the host's. */
    public static long forWorkers(long total) {
        return Math.max(0, total - HOST_BASE - bodies(total));
    }

    /**
     * Splits {@code total} between the host and {@code processes} worker processes (0: none, the
     * host decodes). Pure arithmetic; see the class documentation for the rule.
     */
    public static Division divide(long total, int processes) {
        long bodies = bodies(total);
        long host = HOST_BASE + bodies;
        long rest = forWorkers(total);
        if (processes <= 0) {
            return new Division(total, host, bodies, 0, 0, 0, rest, 0);
        }
        long share = rest / processes;
        long usable = Math.max(0, share - PoolShape.PROCESS_BASE_BYTES);
        long nativePart = usable / 8;
        long heap = Math.max(64L << 20, (usable - nativePart) >> 20 << 20); // whole MiB, as -Xmx says it
        return new Division(total, host, bodies, processes, share, heap, heap / 2, mallocTrim(heap));
    }

    /**
     * Freed native memory a worker with a heap of {@code heap} bytes may keep for its next image: a
     * sixteenth of the heap (about half of its native part), between 1 MiB and 1 GiB.
     */
    public static long mallocTrim(long heap) {
        return Math.clamp(heap / 16, 1L << 20, 1L << 30);
    }
}
