package dev.gpupool.cpu;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where a pool completes the futures of answered tasks: one thread of the pool's own, in the order
 * the answers came, apart from the reader threads. Why not on the reader: the caller's callbacks run
 * where a future completes, for as long as they take (a batch's first ones, cold, took ~100 ms), and
 * while a reader runs them it reads no other answer, so the other task threads of its worker process
 * sat finished and idle, their lanes still taken. The thread ends after a short idle time and is a
 * daemon: an idle pool holds no thread here.
 */
final class Completions {
    private static final ThreadLocal<Completions> CURRENT = new ThreadLocal<>();

    private final ThreadPoolExecutor thread;

    Completions(String name) {
        thread = new ThreadPoolExecutor(0, 1, 2, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().daemon().name(name).factory());
    }

    /** Runs {@code completion} on this pool's completion thread, after those handed over before it. */
    void run(Runnable completion) {
        thread.execute(() -> {
            CURRENT.set(this);
            try {
                completion.run();
            } finally {
                CURRENT.remove();
            }
        });
    }

    /** Whether the caller is running a completion of this pool (a future's callback, then). */
    boolean isCurrentThread() {
        return CURRENT.get() == this;
    }
}
