package dev.gpupool.codec;

import java.util.Locale;

/**
 * A bound on the bytes that decodes in this JVM may hold at once, so that huge images fail with a
 * reason instead of ending the process in an {@link OutOfMemoryError}. Decoding a 50 MP PNG takes
 * its raster plus a copy (several hundred MB); the count of images in flight alone does not bound
 * that.
 *
 * <p>{@link Codecs#decode} estimates, from the header, what the decode will allocate and reserves it
 * before decoding: an image whose estimate exceeds the whole budget is refused at once; otherwise the
 * decode waits until enough is free. The reservation lasts while the decoded pixels are in use: until
 * the end of the caller's {@link #enter() scope} (the whole thumbnail job), or the end of the decode
 * when no scope is open. Each scope reserves once (later reservations in a scope that cannot be had at
 * once fail rather than wait), so two jobs never wait on each other.
 *
 * <p>The budget is half of {@code Runtime.maxMemory()}: {@code -Xmx256m} allows about 128 MB of
 * decoded pixels in flight. The system property {@code gpupool.decodeBudget} (bytes) overrides it: a
 * worker JVM under a machine-wide budget gets its share there ({@code dev.gpupool.cpu.MachineBudget});
 * {@link #limit} lowers it in a running JVM (the host, whose heap was set before the budget was known).
 */
public final class MemoryBudget {
    private static final boolean SHARE = Long.getLong("gpupool.decodeBudget") != null; // set from a machine budget
    private static volatile long capacity = Long.getLong("gpupool.decodeBudget", Runtime.getRuntime().maxMemory() / 2);
    private static volatile boolean limited = SHARE;
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();
    private static final Object LOCK = new Object();
    private static long used; // guarded by LOCK

    private MemoryBudget() {
    }

    /** The budget in bytes. */
    public static long capacity() {
        return capacity;
    }

    /**
     * Lowers the budget to {@code bytes} (never raises it: half the heap stays the most the heap can
     * hold), so that this JVM's decodes stay within its share of a machine-wide budget.
     */
    public static void limit(long bytes) {
        synchronized (LOCK) {
            if (bytes < capacity) {
                capacity = Math.max(1, bytes);
                limited = true;
            }
        }
    }

    /** Bytes reserved now, by every thread. */
    public static long inUse() {
        synchronized (LOCK) {
            return used;
        }
    }

    /**
     * Opens a scope on this thread: reservations made by decodes until it is closed are held until
     * then. A scope opened inside another is a no-op (the outer one holds everything).
     */
    public static Scope enter() {
        Scope outer = CURRENT.get();
        if (outer != null) return new Scope(false);
        Scope s = new Scope(true);
        CURRENT.set(s);
        return s;
    }

    /**
     * Reserves {@code bytes} for the current scope (waiting while other threads hold the budget), or
     * fails with a one-line reason when the image can never fit.
     */
    static void reserve(long bytes, String what) throws ImageDecodeException {
        long cap = capacity;
        if (bytes > cap) {
            throw new ImageDecodeException(what + " needs about " + mb(bytes) + " of memory to decode, more than the "
                    + mb(cap) + (limited
                    ? " this process's share of the memory budget allows (raise --memory-budget, or use fewer workers with -j)"
                    : " this run allows (half the Java heap: raise it with JAVA_OPTS=-Xmx...)"));
        }
        Scope s = CURRENT.get();
        if (s == null || bytes <= s.held) return; // outside a scope (a codec called directly): only the check
        long extra = bytes - s.held;
        synchronized (LOCK) {
            boolean interrupted = false;
            while (used + extra > capacity) {
                if (s.held > 0 || bytes > capacity) { // bytes > capacity: lowered by limit() while waiting
                    throw new ImageDecodeException(what + " needs about " + mb(bytes) + " of memory to decode; not available now");
                }
                try {
                    LOCK.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            used += extra;
            s.held += extra;
        }
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%d MB", (bytes + (1 << 20) - 1) >> 20);
    }

    /** What one thread's job holds; closing it gives everything back. */
    public static final class Scope implements AutoCloseable {
        private final boolean owner;
        private long held;

        private Scope(boolean owner) {
            this.owner = owner;
        }

        @Override
        public void close() {
            if (!owner) return;
            CURRENT.remove();
            synchronized (LOCK) {
                used -= held;
                held = 0;
                LOCK.notifyAll();
            }
        }
    }
}
