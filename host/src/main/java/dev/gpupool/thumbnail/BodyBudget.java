package dev.gpupool.thumbnail;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * The bytes of fetched bodies the host may hold at once: its part of the machine's memory budget
 * ({@code dev.gpupool.cpu.MachineBudget.Division#bodies}). Before, each body could take up to 256 MB
 * and as many were held as {@code --io-concurrency} allowed (64: 16 GB). A body counts from the moment
 * its bytes are read until its image is done, whether it sits in the heap or was spooled to {@code
 * /dev/shm} for a worker (memory either way).
 *
 * <p>Each input fetched holds one {@link Lease}. A body of known length reserves it whole before the
 * first byte is read, waiting while other bodies hold the budget (it holds nothing meanwhile, so this
 * cannot deadlock); one that can never fit fails at once, in one line. A body of unknown length
 * (chunked) grows its lease as it arrives; when that cannot be had at once, it waits only while some
 * of the budget is held by bodies already complete, which their images will give back; if every held
 * byte belongs to bodies still arriving, waiting could be for ever, so that try fails instead and
 * gives its bytes back (the fetcher retries it later, like any failed try).
 *
 * <p>Thread-safe: all state is guarded by this object's monitor.
 */
final class BodyBudget {
    private final long capacity;
    private long used;      // guarded by this
    private long completed; // bytes of leases whose bodies are whole; guarded by this

    BodyBudget(long capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("capacity must be positive: " + capacity);
        this.capacity = capacity;
    }

    long capacity() {
        return capacity;
    }

    /** Bytes held now by every lease. */
    synchronized long inUse() {
        return used;
    }

    /** A lease holding nothing yet, for one input's body. */
    Lease lease() {
        return new Lease();
    }

    /** One input's reservation: grown as its body is read, given back whole when its image is done. */
    final class Lease implements AutoCloseable {
        private long held;        // guarded by BodyBudget.this
        private boolean complete; // guarded by BodyBudget.this

        /**
         * Holds at least {@code bytes} for this body, waiting for them if it must.
         *
         * @param known true when the length is the body's whole length (Content-Length), false when the
         *              body is still growing
         * @throws IOException never fitting (not worth retrying: see {@link #neverFits}), or no room
         *                     while every held byte is a body still arriving (worth retrying)
         * @throws InterruptedIOException interrupted while waiting
         */
        void growTo(long bytes, boolean known) throws IOException {
            synchronized (BodyBudget.this) {
                if (bytes <= held) return;
                if (bytes > capacity) throw new NeverFits(known ? bytes : -1, capacity);
                long extra = bytes - held;
                while (used + extra > capacity) {
                    if (held > 0 && completed == 0 && !known) {
                        throw new IOException("bodies still arriving fill the memory budget for bodies ("
                                + mib(capacity) + ")");
                    }
                    try {
                        BodyBudget.this.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted waiting for memory for a body");
                    }
                }
                used += extra;
                held += extra;
            }
        }

        /** The body is whole: its bytes now wait for their image, which gives them back. */
        void complete() {
            synchronized (BodyBudget.this) {
                if (complete) return;
                complete = true;
                completed += held;
            }
        }

        /** Gives back everything (a failed try before a retry, or the image done). */
        void reset() {
            synchronized (BodyBudget.this) {
                used -= held;
                if (complete) completed -= held;
                held = 0;
                complete = false;
                BodyBudget.this.notifyAll();
            }
        }

        /** Bytes this lease holds. */
        long held() {
            synchronized (BodyBudget.this) {
                return held;
            }
        }

        @Override
        public void close() {
            reset();
        }
    }

    /** A body larger than the whole budget for bodies: no wait can help, so no retry either. */
    static final class NeverFits extends IOException {
        /** {@code bytes}: the body's length, or -1 when it is not known (a chunked body grew past the budget). */
        NeverFits(long bytes, long capacity) {
            super((bytes >= 0 ? "a body of " + mib(bytes) + " is larger than" : "a body of unknown length grew past")
                    + " the memory budget for bodies in flight (" + mib(capacity) + "; raise --memory-budget)");
        }
    }

    private static String mib(long bytes) {
        if (bytes < 1 << 20) return ((bytes + 1023) >> 10) + " KiB";
        return ((bytes + (1 << 20) - 1) >> 20) + " MiB";
    }
}
