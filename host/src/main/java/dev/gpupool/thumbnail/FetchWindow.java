package dev.gpupool.thumbnail;

import java.util.function.LongSupplier;

/**
 * How many fetches a batch keeps in flight: enough to hide the fetch latency at the rate the backend
 * consumes images (Little's law: in flight = latency x rate), so that {@code --io-concurrency} is a cap
 * and not a number to tune. A fixed 64 was too many for a slow backend (64 bodies of up to 256 MB held,
 * waiting) and could be too few for a fast backend behind a slow server.
 *
 * <p>The window is {@code ceil(latency x rate x } {@link #HEADROOM}{@code ) + } {@link #SLACK}, within
 * {@code [}{@link #MIN}{@code , cap]}, and no more bodies than the memory budget for bodies holds at
 * the average body size seen. {@code latency} is a moving average of whole fetches (first byte of the
 * request to last of the body, retries included); {@code rate} is images completed by the backend per
 * second over the last {@link #RATE_SAMPLES} completions. Until both are measured the window is its
 * {@code initial} size. While fetching is the bottleneck the measured rate is what the fetches allow,
 * so each update widens the window by half ({@link #HEADROOM}) plus {@link #SLACK}: it grows
 * geometrically until the backend, not the fetches, sets the rate, as TCP's slow start does.
 *
 * <p>Thread-safe: all state is guarded by this object's monitor; {@link #acquire} blocks.
 */
final class FetchWindow {
    static final double HEADROOM = 1.5;
    static final int SLACK = 2;
    static final int MIN = 2;
    static final int RATE_SAMPLES = 16;
    private static final double ALPHA = 0.2; // weight of a new latency sample

    private final int cap;
    private final long bodyBudget; // bytes; Long.MAX_VALUE for none
    private final LongSupplier nanoClock;
    private final long[] completions = new long[RATE_SAMPLES]; // a ring of completion times; guarded by this
    private int completionCount;                                // guarded by this
    private double latencyNanos = -1;                           // guarded by this
    private double bodyBytes = -1;                              // guarded by this
    private int limit;                                          // guarded by this
    private int inFlight;                                       // guarded by this
    private boolean stopped;     // guarded by this

    /**
     * @param initial    the window before anything is measured (clamped to {@code [MIN, cap]})
     * @param cap        the most at once ({@code --io-concurrency})
     * @param bodyBudget bytes the fetched bodies may hold at once, or {@code Long.MAX_VALUE}
     * @param nanoClock  the time in nanoseconds ({@code System::nanoTime}; a fake one in tests)
     */
    FetchWindow(int initial, int cap, long bodyBudget, LongSupplier nanoClock) {
        if (cap < 1) throw new IllegalArgumentException("cap must be >= 1: " + cap);
        this.cap = cap;
        this.bodyBudget = bodyBudget;
        this.nanoClock = nanoClock;
        this.limit = Math.clamp(initial, Math.min(MIN, cap), cap);
    }

    /** Waits until a fetch may start (or the window is {@link #stop stopped}), and counts it in flight. */
    synchronized void acquire() {
        boolean interrupted = false;
        while (inFlight >= limit && !stopped) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true; // a batch's fetch slot is not given up: every input is still reported
            }
        }
        inFlight++;
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * The batch is stopping (a signal): {@link #acquire} waits no more, so the inputs not yet fetched are
     * reported at once instead of waiting for slots held by fetches that are being abandoned.
     */
    synchronized void stop() {
        stopped = true;
        notifyAll();
    }

    /** The fetch started by {@link #acquire} is over (its body is handed on, or it failed). */
    synchronized void release() {
        inFlight--;
        notifyAll();
    }

    /** A fetch took {@code nanos} and brought {@code bytes}. */
    synchronized void fetched(long nanos, long bytes) {
        latencyNanos = latencyNanos < 0 ? nanos : latencyNanos + ALPHA * (nanos - latencyNanos);
        bodyBytes = bodyBytes < 0 ? bytes : bodyBytes + ALPHA * (bytes - bodyBytes);
        update();
    }

    /** The backend finished an image (from any source: files consume backend time as fetches do). */
    synchronized void consumed() {
        completions[completionCount % RATE_SAMPLES] = nanoClock.getAsLong();
        completionCount++;
        update();
    }

    /** Fetches allowed in flight now. */
    synchronized int limit() {
        return limit;
    }

    /** Fetches in flight now. */
    synchronized int inFlight() {
        return inFlight;
    }

    /** Images per second the backend completed over the last samples, or -1 before two completions. */
    synchronized double rate() {
        int n = Math.min(completionCount, RATE_SAMPLES);
        if (n < 2) return -1;
        long newest = completions[(completionCount - 1) % RATE_SAMPLES];
        long oldest = completions[(completionCount - n) % RATE_SAMPLES];
        return (n - 1) * 1e9 / Math.max(1, newest - oldest);
    }

    private void update() {
        double rate = rate();
        if (latencyNanos < 0 || rate < 0) return;
        double want = Math.ceil(latencyNanos / 1e9 * rate * HEADROOM) + SLACK;
        if (bodyBudget != Long.MAX_VALUE && bodyBytes > 0) want = Math.min(want, Math.floor(bodyBudget / bodyBytes));
        int next = (int) Math.clamp(want, Math.min(MIN, cap), cap);
        if (next > limit) notifyAll();
        limit = next;
    }
}
