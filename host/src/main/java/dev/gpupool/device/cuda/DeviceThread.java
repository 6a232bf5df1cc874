package dev.gpupool.device.cuda;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * The one platform thread that owns a device's CUDA context and makes every CUDA call for it.
 *
 * <p>A context is current per OS thread, and a JNI call pins a virtual thread to its carrier, so
 * CUDA work never runs on the callers' threads: they hand tasks over through a bounded queue
 * ({@link #call} blocks while it is full, which is the back-pressure) and wait on a future. Tasks
 * run one at a time, in order. A task submitted from the device thread itself runs at once.
 */
final class DeviceThread implements AutoCloseable {
    private final BlockingQueue<Job<?>> queue;
    private final Thread thread;
    private volatile boolean stopped;

    DeviceThread(String name, int capacity) {
        queue = new ArrayBlockingQueue<>(capacity);
        thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::loop);
        thread.start();
    }

    private static final class Job<T> {
        final Callable<T> task;
        final CompletableFuture<T> future = new CompletableFuture<>();
        final boolean last;

        Job(Callable<T> task, boolean last) {
            this.task = task;
            this.last = last;
        }

        void run() {
            try {
                future.complete(task.call());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }
    }

    private void loop() {
        while (true) {
            Job<?> job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                continue; // only close() ends this thread
            }
            job.run();
            if (job.last) {
                stopped = true;
                failQueued();
                return;
            }
        }
    }

    private void failQueued() {
        for (Job<?> j; (j = queue.poll()) != null; ) {
            j.future.completeExceptionally(new RejectedExecutionException(thread.getName() + " is closed"));
        }
    }

    /** The device thread (tests check that work ran there). */
    Thread thread() {
        return thread;
    }

    boolean isOnDeviceThread() {
        return Thread.currentThread() == thread;
    }

    /** Queues {@code task} (blocking while the queue is full) and returns its future. */
    <T> CompletableFuture<T> submit(Callable<T> task) throws InterruptedException {
        return enqueue(new Job<>(task, false));
    }

    private <T> CompletableFuture<T> enqueue(Job<T> job) throws InterruptedException {
        if (isOnDeviceThread()) {
            job.run();
            return job.future;
        }
        if (stopped) {
            job.future.completeExceptionally(new RejectedExecutionException(thread.getName() + " is closed"));
            return job.future;
        }
        queue.put(job);
        if (stopped) failQueued(); // raced with the last job: nobody will take it
        return job.future;
    }

    /**
     * Runs {@code task} on the device thread and waits for it; its exception is rethrown as is.
     * If the caller is interrupted while waiting, the task still completes on the device thread.
     */
    <T> T call(Callable<T> task) throws Exception {
        CompletableFuture<T> f = submit(task);
        try {
            return f.get();
        } catch (ExecutionException | CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception ex) throw ex;
            if (c instanceof Error err) throw err;
            throw e;
        }
    }

    /** Runs {@code cleanup} as the last task, then ends the thread and waits for it. Idempotent. */
    void close(Runnable cleanup) {
        if (isOnDeviceThread()) throw new IllegalStateException("a device thread cannot close itself");
        if (stopped) return;
        try {
            CompletableFuture<Object> f = enqueue(new Job<>(() -> {
                cleanup.run();
                return null;
            }, true));
            f.exceptionally(t -> null).join();
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(() -> { });
    }
}
