package dev.gpupool.device.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The device thread's contract, without CUDA: one platform thread runs everything, in order, with back-pressure. */
class DeviceThreadTest {
    @Test
    void everyTaskRunsOnTheOnePlatformThreadEvenWhenVirtualThreadsSubmit() throws Exception {
        try (DeviceThread t = new DeviceThread("test-device", 4);
             var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            assertFalse(t.thread().isVirtual());
            List<Future<Thread>> seen = new ArrayList<>();
            for (int i = 0; i < 50; i++) seen.add(callers.submit(() -> t.call(Thread::currentThread)));
            for (Future<Thread> f : seen) assertSame(t.thread(), f.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void tasksRunInOrderOneAtATime() throws Exception {
        try (DeviceThread t = new DeviceThread("test-device", 64)) {
            List<Integer> order = new ArrayList<>(); // only touched on the device thread
            AtomicInteger running = new AtomicInteger();
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                fs.add(t.submit(() -> {
                    assertEquals(1, running.incrementAndGet());
                    order.add(n);
                    running.decrementAndGet();
                    return n;
                }));
            }
            for (CompletableFuture<Integer> f : fs) f.get(10, TimeUnit.SECONDS);
            List<Integer> want = new ArrayList<>();
            for (int i = 0; i < 40; i++) want.add(i);
            assertEquals(want, t.call(() -> new ArrayList<>(order)));
        }
    }

    @Test
    void theQueueIsBoundedSoSubmittersBlock() throws Exception {
        try (DeviceThread t = new DeviceThread("test-device", 2)) {
            CountDownLatch release = new CountDownLatch(1);
            t.submit(() -> release.await(10, TimeUnit.SECONDS)); // occupies the thread
            Thread.sleep(50); // let it be taken off the queue
            t.submit(() -> 1);
            t.submit(() -> 2); // queue now full (capacity 2)
            Thread submitter = Thread.ofPlatform().start(() -> {
                try {
                    t.submit(() -> 3);
                } catch (InterruptedException ignored) {
                    // expected when the test gives up
                }
            });
            submitter.join(300);
            assertTrue(submitter.isAlive(), "a third submit should block on the full queue");
            release.countDown();
            submitter.join(5000);
            assertFalse(submitter.isAlive(), "the submitter should get in once the queue drains");
        }
    }

    @Test
    void exceptionsReachTheCallerAndTheThreadSurvives() throws Exception {
        try (DeviceThread t = new DeviceThread("test-device", 4)) {
            IOException e = assertThrows(IOException.class, () -> t.call(() -> {
                throw new IOException("boom");
            }));
            assertEquals("boom", e.getMessage());
            assertThrows(UnsatisfiedLinkError.class, () -> t.call(() -> {
                throw new UnsatisfiedLinkError("no libcuda");
            }));
            assertEquals(7, t.call(() -> 7));
        }
    }

    @Test
    void nestedCallsRunInlineAndCloseRunsCleanupOnTheThread() throws Exception {
        DeviceThread t = new DeviceThread("test-device", 4);
        assertEquals(3, t.call(() -> t.call(() -> 3)), "a task that calls again must not deadlock");
        Thread[] cleanupOn = new Thread[1];
        t.close(() -> cleanupOn[0] = Thread.currentThread());
        assertSame(t.thread(), cleanupOn[0]);
        assertFalse(t.thread().isAlive());
        ExecutionException e = assertThrows(ExecutionException.class, () -> t.submit(() -> 1).get(1, TimeUnit.SECONDS));
        assertInstanceOf(RejectedExecutionException.class, e.getCause());
        t.close(); // idempotent
    }
}
