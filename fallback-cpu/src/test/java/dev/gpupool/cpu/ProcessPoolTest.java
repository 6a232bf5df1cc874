package dev.gpupool.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProcessPoolTest {
    private ProcessPool pool;
    private final List<Long> seenPids = new ArrayList<>();

    @TempDir
    Path tmp;

    private ProcessPool start(int workers) {
        return start(workers, 1);
    }

    private ProcessPool start(int workers, int threadsPerProcess) {
        // No AOT cache in tests (Surefire's class path has directories anyway): each test starts the same way.
        pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(workers)
                .threadsPerProcess(threadsPerProcess).startupCache(false));
        return pool;
    }

    @AfterEach
    void tearDown() {
        if (pool != null) {
            seenPids.addAll(pool.workerPids());
            pool.closeNow();
            assertTrue(pool.workerPids().isEmpty());
            for (long pid : seenPids) {
                assertNoProcess(pid);
            }
        }
    }

    private static byte[] req(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String get(CompletableFuture<byte[]> f) throws Exception {
        return new String(f.get(20, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }

    private static Throwable failure(CompletableFuture<byte[]> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        }
        throw new AssertionError("expected the task to fail");
    }

    private static void assertNoProcess(long pid) {
        ProcessHandle.of(pid).ifPresent(h -> {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("worker process " + pid + " still alive", e);
            }
        });
    }

    /** Waits until the pool has {@code n} live workers and returns their pids. */
    private List<Long> awaitWorkers(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            List<Long> pids = pool.workerPids();
            if (pids.size() == n) {
                seenPids.addAll(pids);
                return pids;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("workers did not start: " + pool.workerPids());
    }

    @Test
    void manyTasksCompleteCorrectlyOnSeveralProcesses() throws Exception {
        start(2);
        assertEquals(2, pool.workers());
        assertEquals("2 worker processes", pool.describe());
        List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            echoes.add(pool.submit(req((i % 2 == 0 ? "upper:task-" : i % 50 == 1 ? "print:task-" : "echo:task-") + i)));
        }
        List<CompletableFuture<byte[]>> sleeps = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sleeps.add(pool.submit(req("sleep:100")));
        }
        for (int i = 0; i < echoes.size(); i++) {
            assertEquals((i % 2 == 0 ? "TASK-" : "task-") + i, get(echoes.get(i)));
        }
        Set<String> pids = new HashSet<>();
        for (CompletableFuture<byte[]> f : sleeps) {
            pids.add(get(f));
        }
        assertEquals(2, pids.size(), "both worker processes ran tasks: " + pids);
        assertFalse(pids.contains(Long.toString(ProcessHandle.current().pid())));
    }

    @Test
    void sharedProcessRunsItsTasksAtOnce() throws Exception {
        start(5, 4);
        assertEquals(5, pool.workers());
        assertEquals(2, pool.processes(), "5 tasks at once over processes of at most 4 threads");
        assertEquals("2 worker processes, 5 threads", pool.describe());
        List<Long> pids = awaitWorkers(2);
        Path dir = Files.createDirectory(tmp.resolve("meeting"));
        // Submitted one at a time, as a library caller would: the second must not wait for the first.
        CompletableFuture<byte[]> first = pool.submit(req("meet:" + dir));
        Thread.sleep(100);
        CompletableFuture<byte[]> second = pool.submit(req("meet:" + dir));
        String a = get(first), b = get(second);
        assertTrue(a.startsWith("met ") && b.startsWith("met "), a + " / " + b);
        assertTrue(pids.contains(Long.parseLong(a.substring(4))), a);
        List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            echoes.add(pool.submit(req("echo:" + i)));
        }
        for (int i = 0; i < echoes.size(); i++) {
            assertEquals(Integer.toString(i), get(echoes.get(i)), "answers out of order still reach their task");
        }
    }

    @Test
    void crashInASharedProcessFailsOnlyTheInputThatCausesIt() throws Exception {
        start(2, 2);
        assertEquals("1 worker process, 2 threads", pool.describe());
        long first = awaitWorkers(1).get(0);
        CompletableFuture<byte[]> bystander = pool.submit(req("sleep:1500"));
        Thread.sleep(200); // the bystander is running when the poison kills their process
        CompletableFuture<byte[]> poison = pool.submit(req("halt:3"));
        WorkerCrashedException e = assertInstanceOf(WorkerCrashedException.class, failure(poison));
        assertEquals("worker process crashed twice on this input (exit code 3)", e.getMessage());
        String ranOn = get(bystander);
        assertNotEquals(Long.toString(first), ranOn, "retried on a new process, and it succeeded there");
        assertEquals("ok", get(pool.submit(req("echo:ok"))));
    }

    @Test
    void timeoutInASharedProcessRetriesItsNeighbour() throws Exception {
        start(2, 2);
        long first = awaitWorkers(1).get(0);
        CompletableFuture<byte[]> neighbour = pool.submit(req("sleep:1000"));
        CompletableFuture<byte[]> stuck = pool.submit(req("sleep:20000"), Duration.ofMillis(300));
        assertInstanceOf(TimeoutException.class, failure(stuck));
        assertNoProcess(first);
        assertNotEquals(Long.toString(first), get(neighbour), "the neighbour ran again, uncounted, on the new process");
    }

    @Test
    void aPoolWithTheSameOptionsAdoptsThePrestartedProcess() throws Exception {
        ProcessPool.Options options = ProcessPool.Options.of(ScriptHandler.class).workers(3).threadsPerProcess(2).startupCache(false);
        ProcessPool.prestart(options);
        long prestarted = ProcessPool.prestartedPid();
        assertTrue(prestarted > 0);
        seenPids.add(prestarted);
        pool = ProcessPool.start(options);
        assertEquals(-1, ProcessPool.prestartedPid());
        assertTrue(awaitWorkers(2).contains(prestarted), "the first of the 2 processes is the prestarted one");
        List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            echoes.add(pool.submit(req("echo:" + i)));
        }
        for (int i = 0; i < echoes.size(); i++) {
            assertEquals(Integer.toString(i), get(echoes.get(i)));
        }
    }

    @Test
    void aPoolWithOtherOptionsEndsThePrestartedProcess() throws Exception {
        ProcessPool.prestart(ProcessPool.Options.of(ScriptHandler.class).workers(1).startupCache(false));
        long prestarted = ProcessPool.prestartedPid();
        seenPids.add(prestarted);
        start(2, 2);
        assertNoProcess(prestarted);
        assertNotEquals(Long.toString(prestarted), get(pool.submit(req("pid"))));
        ProcessPool.prestart(ProcessPool.Options.of(ScriptHandler.class).workers(1).startupCache(false));
        long cancelled = ProcessPool.prestartedPid();
        ProcessPool.cancelPrestart();
        assertNoProcess(cancelled);
        assertEquals(-1, ProcessPool.prestartedPid());
    }

    @Test
    void theHandlersWarmUpRunsBesideTheFirstTasksNotBeforeThem() throws Exception {
        Path warmedUp = tmp.resolve("warmed-up");
        pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(1).startupCache(false)
                .jvmOptions("-Dscript.warmup=" + warmedUp));
        awaitWorkers(1);
        long t0 = System.nanoTime();
        assertEquals("first", get(pool.submit(req("echo:first"))));
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(2500), "the task did not wait for the 3 s warm-up");
        assertFalse(Files.exists(warmedUp));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(warmedUp) && System.nanoTime() < end) Thread.sleep(50);
        assertTrue(Files.exists(warmedUp), "the warm-up ran in the worker");
    }

    @Test
    void workersKeepFreedNativeMemoryForTheNextTask() throws Exception {
        start(1);
        assertEquals(Long.toString(1L << 30), get(pool.submit(req("env:MALLOC_TRIM_THRESHOLD_"))));
        assertEquals(Long.toString(32L << 20), get(pool.submit(req("env:MALLOC_MMAP_THRESHOLD_"))));
        assertEquals("0", get(pool.submit(req("env:MALLOC_MMAP_MAX_"))), "larger blocks stay in the heap too");
    }

    @Test
    void aWorkersMemoryShareBoundsWhatGlibcKeepsAndLargeBlocksStillStayInTheHeap() throws Exception {
        pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(1).startupCache(false).jvmOptions("-Xmx256m"));
        assertEquals(Long.toString(16L << 20), get(pool.submit(req("env:MALLOC_TRIM_THRESHOLD_"))), "a sixteenth of its heap");
        assertEquals("0", get(pool.submit(req("env:MALLOC_MMAP_MAX_"))));
    }

    @Test
    void handlerExceptionFailsOnlyThatTask() throws Exception {
        start(1);
        String pidBefore = get(pool.submit(req("pid")));
        CompletableFuture<byte[]> bad = pool.submit(req("throw:cannot decode\nline two"));
        CompletableFuture<byte[]> good = pool.submit(req("echo:fine"));
        WorkerTaskException e = assertInstanceOf(WorkerTaskException.class, failure(bad));
        assertEquals("cannot decode line two", e.getMessage());
        assertEquals("java.io.IOException", e.remoteClassName());
        assertEquals("fine", get(good));
        assertEquals(pidBefore, get(pool.submit(req("pid"))), "the worker stays in service");
    }

    @Test
    void killedWorkerMidTaskIsReplacedAndTheTaskRetried() throws Exception {
        start(2);
        List<Long> pids = awaitWorkers(2);
        List<CompletableFuture<byte[]>> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(pool.submit(req("sleep:600")));
        }
        Thread.sleep(250); // both workers are inside their first task
        long victim = pids.get(0);
        ProcessHandle.of(victim).orElseThrow().destroyForcibly();
        Set<String> ranOn = new HashSet<>();
        for (CompletableFuture<byte[]> t : tasks) {
            ranOn.add(get(t)); // none is lost or failed
        }
        assertFalse(ranOn.contains(Long.toString(victim)));
        List<Long> now = awaitWorkers(2);
        assertFalse(now.contains(victim), "the dead worker was replaced");
    }

    @Test
    void poisonInputFailsAfterTwoCrashesAndTheBatchGoesOn() throws Exception {
        start(2);
        List<CompletableFuture<byte[]>> good = new ArrayList<>();
        CompletableFuture<byte[]> poison = pool.submit(req("halt:3"));
        Path marker = tmp.resolve("crashed-once");
        CompletableFuture<byte[]> flaky = pool.submit(req("crashonce:" + marker));
        for (int i = 0; i < 20; i++) {
            good.add(pool.submit(req("echo:" + i)));
        }
        WorkerCrashedException e = assertInstanceOf(WorkerCrashedException.class, failure(poison));
        assertEquals("worker process crashed twice on this input (exit code 3)", e.getMessage());
        assertEquals(3, e.exitCode());
        assertEquals("survived", get(flaky), "one crash is retried on another process");
        for (int i = 0; i < good.size(); i++) {
            assertEquals(Integer.toString(i), get(good.get(i)));
        }
        awaitWorkers(2);
    }

    @Test
    void timeoutKillsAndReplacesTheWorker() throws Exception {
        start(1);
        long pid = awaitWorkers(1).get(0);
        long t0 = System.nanoTime();
        CompletableFuture<byte[]> stuck = pool.submit(req("sleep:20000"), Duration.ofMillis(300));
        CompletableFuture<byte[]> next = pool.submit(req("pid"));
        assertInstanceOf(TimeoutException.class, failure(stuck));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertNoProcess(pid);
        assertNotEquals(Long.toString(pid), get(next), "a replacement worker runs the next task");
    }

    @Test
    void cancellingQueuedAndRunningTasks() throws Exception {
        start(1);
        long pid = awaitWorkers(1).get(0);
        pool.awaitStarted(); // a process that exists is not yet ready: a task sent now would only be queued
        CompletableFuture<byte[]> running = pool.submit(req("sleep:20000"));
        Path never = tmp.resolve("never");
        CompletableFuture<byte[]> queued = pool.submit(req("touch:" + never));
        CompletableFuture<byte[]> after = pool.submit(req("pid"));
        Thread.sleep(200);
        assertTrue(queued.cancel(true));
        assertTrue(running.cancel(true));
        assertNoProcess(pid); // the running task's worker is killed ...
        String newPid = get(after); // ... and replaced; the queued one is skipped
        assertNotEquals(Long.toString(pid), newPid);
        assertFalse(Files.exists(never), "a cancelled queued task never runs");
        assertTrue(queued.isCancelled() && running.isCancelled());
    }

    @Test
    void closeWaitsForRunningAndQueuedWork() throws Exception {
        start(2);
        List<CompletableFuture<byte[]>> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(pool.submit(req("sleep:300")));
        }
        awaitWorkers(2);
        pool.close();
        for (CompletableFuture<byte[]> t : tasks) {
            assertTrue(t.isDone() && !t.isCompletedExceptionally(), "finished before close returned");
        }
        assertTrue(pool.workerPids().isEmpty());
        for (long pid : seenPids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " exited");
        }
        assertThrows(RejectedExecutionException.class, () -> pool.submit(req("echo:late")));
    }

    @Test
    void closeLetsAWorkerFinishExitingThoughItWritesToItsOutput() throws Exception {
        start(2, 2);
        Path finished = tmp.resolve("exit-finished");
        assertEquals("registered", get(pool.submit(req("exitnoise:" + finished))));
        pool.close();
        assertTrue(Files.exists(finished), "the worker was not killed for what it wrote while exiting");
    }

    @Test
    void closeFromAFuturesCallbackReturnsAndThePoolStillFinishesItsWork() throws Exception {
        start(2, 2);
        CompletableFuture<byte[]> first = pool.submit(req("echo:first"));
        List<CompletableFuture<byte[]>> rest = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rest.add(pool.submit(req("sleep:200")));
        }
        CompletableFuture<Void> closed = first.thenAccept(r -> pool.close()); // on the pool's reader thread
        closed.get(10, TimeUnit.SECONDS);
        for (CompletableFuture<byte[]> t : rest) {
            get(t); // queued work still ran
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!pool.workerPids().isEmpty() && System.nanoTime() < end) Thread.sleep(20);
        assertTrue(pool.workerPids().isEmpty(), "the workers stopped once the work was done");
    }

    @Test
    void aWorkerThatDiesIdleIsNotBlamedOnTheNextTask() throws Exception {
        start(1, 2);
        long pid = awaitWorkers(1).get(0);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertNoProcess(pid);
        for (int i = 0; i < 3; i++) {
            assertNotEquals(Long.toString(pid), get(pool.submit(req("pid"))), "ran on the replacement");
        }
    }

    @Test
    void closeNowReturnsPromptlyAndCancelsEverything() throws Exception {
        start(1);
        awaitWorkers(1);
        CompletableFuture<byte[]> running = pool.submit(req("sleep:20000"));
        CompletableFuture<byte[]> queued = pool.submit(req("echo:never"));
        Thread.sleep(200);
        long t0 = System.nanoTime();
        pool.closeNow();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3), "closeNow returned promptly");
        assertInstanceOf(CancellationException.class, failure(running));
        assertInstanceOf(CancellationException.class, failure(queued));
        for (long pid : seenPids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " killed");
        }
    }

    @Test
    void handlerThatCannotBeCreatedFailsThePoolWithTheReason() throws Exception {
        pool = ProcessPool.start(ProcessPool.Options.of(FailingConstructorHandler.class).workers(1).startupCache(false));
        Throwable e = failure(pool.submit(req("x")));
        assertInstanceOf(WorkerStartException.class, e);
        assertTrue(e.getMessage().contains("no codec library on this machine"), e.getMessage());
        assertInstanceOf(WorkerStartException.class, failure(pool.submit(req("y"))));
    }

    @Test
    void workersThatCannotStartFailThePoolInsteadOfLooping() throws Exception {
        pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(1).startupCache(false)
                .maxRestarts(2).jvmOptions("-XX:+ThisFlagDoesNotExist"));
        Throwable e = failure(pool.submit(req("x")));
        assertInstanceOf(WorkerStartException.class, e);
        assertTrue(e.getMessage().contains("before it was ready"), e.getMessage());
        // the cause, from the worker JVM's own output, in one line; and at once, not after retries
        assertTrue(e.getMessage().contains("Unrecognized VM option 'ThisFlagDoesNotExist'"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(((WorkerStartException) e).noWorkerStarted());
        assertTrue(e.getMessage().startsWith("worker processes cannot start here"), e.getMessage());
    }

    @Test
    void awaitStartedNamesWhyWorkersCannotStartBeforeAnyTask() throws Exception {
        Path empty = Files.createTempDirectory("gpupool-empty-cp");
        try {
            pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(2).threadsPerProcess(1)
                    .startupCache(false).classPath(List.of(empty)));
            WorkerStartException e = assertThrows(WorkerStartException.class, pool::awaitStarted);
            assertTrue(e.noWorkerStarted());
            assertTrue(e.getMessage().contains("Could not find or load main class dev.gpupool.cpu.WorkerMain"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertSame(e, failure(pool.submit(req("x"))), "tasks fail with the same one-line reason");
        } finally {
            Files.deleteIfExists(empty);
        }
    }

    @Test
    void awaitStartedReturnsOnceAWorkerIsReady() throws Exception {
        pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(1).startupCache(false));
        pool.awaitStarted();
        assertEquals(1, pool.workerPids().size());
    }

    static final class NotPublicHandler implements WorkerHandler {
        @Override
        public byte[] handle(byte[] request) {
            return request;
        }
    }

    @Test
    void rejectsHandlersWorkersCannotCreate() {
        assertThrows(IllegalArgumentException.class,
                () -> ProcessPool.start(ProcessPool.Options.of(NotPublicHandler.class)));
        assertThrows(IllegalArgumentException.class, () -> ProcessPool.Options.of(ScriptHandler.class).workers(0));
        assertThrows(IllegalArgumentException.class, () -> ProcessPool.Options.of(ScriptHandler.class).threadsPerProcess(0));
    }

    /** Issue 19 defect 3: {@code -j 10000} started 132 worker JVMs for 29 inputs. */
    @Test
    void startsNoMoreProcessesThanTheWorkAndTheMachineCanUse() throws Exception {
        List<String> warnings = new ArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(ProcessPool.class.getName());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel() == java.util.logging.Level.WARNING) warnings.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try {
            PoolShape.Machine big = new PoolShape.Machine(64, 64L << 30);
            pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(10000).expectedTasks(3)
                    .startupCache(false), big);
            assertEquals(3, pool.processes(), "3 tasks need 3 processes, not 10000 (or 64 cores' worth)");
            assertEquals(3, pool.workers());
            List<CompletableFuture<byte[]>> tasks = new ArrayList<>();
            for (int i = 0; i < 3; i++) tasks.add(pool.submit(req("pid")));
            Set<String> ran = new HashSet<>();
            for (CompletableFuture<byte[]> t : tasks) ran.add(get(t));
            assertTrue(ran.size() <= 3, "ran on " + ran);
            assertEquals(List.of("gpupool: 10000 tasks at once asked, 3 on 3 worker processes (limited by 3 tasks)"), warnings,
                    "said once, in one line");
            seenPids.addAll(pool.workerPids());
            pool.closeNow();

            warnings.clear();
            pool = ProcessPool.start(ProcessPool.Options.of(ScriptHandler.class).workers(10000).threadsPerProcess(2)
                    .startupCache(false), new PoolShape.Machine(2, 64L << 30));
            assertEquals(2, pool.processes(), "no more processes than cores");
            assertEquals(4, pool.workers(), "2 processes of the 2 threads each that were asked");
            assertEquals("2 worker processes, 4 threads", pool.describe());
            assertEquals(List.of("gpupool: 10000 tasks at once asked, 4 on 2 worker processes (limited by 2 cores)"), warnings);
            assertEquals(2, awaitWorkers(2).size());
            String before = ProcessPool.describe(10000, 4);
            int cores = Runtime.getRuntime().availableProcessors();
            assertTrue(Integer.parseInt(before.substring(0, before.indexOf(' '))) <= cores,
                    "described before the start as it will be on this machine: " + before);
        } finally {
            log.removeHandler(capture);
        }
    }

    /** Issue 19 defect 17: a worker killed mid-write left its partial temporary file until the next run. */
    @Test
    void theTemporariesOfATaskWhoseWorkerDiedAreDeleted() throws Exception {
        start(1);
        Path crashed = tmp.resolve(".a.jpg.gpupool-tmp-1");
        assertInstanceOf(WorkerCrashedException.class, failure(pool.submit(req("scratch:halt:" + crashed))));
        assertFalse(Files.exists(crashed), "the crashed task's temporary is gone");
        Path killed = tmp.resolve(".b.jpg.gpupool-tmp-2");
        assertInstanceOf(TimeoutException.class, failure(pool.submit(req("scratch:sleep:" + killed), Duration.ofSeconds(2))));
        assertFalse(Files.exists(killed), "the timed-out task's temporary is gone");
        Path kept = tmp.resolve(".c.jpg.gpupool-tmp-3");
        assertEquals("kept", get(pool.submit(req("scratch:keep:" + kept))));
        assertTrue(Files.exists(kept), "an answered task's files are its own business");
        assertEquals("ok", get(pool.submit(req("echo:ok"))));
    }
}
