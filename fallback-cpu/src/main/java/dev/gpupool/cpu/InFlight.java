package dev.gpupool.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The tasks one {@link WorkerSlot}'s process is running, and how each leaves it: answered (read on
 * the reader thread, its future completed on the pool's {@link Completions} thread), or settled by
 * its {@link CrashVerdict} when the process ends (on the slot's thread). Guarded by the pool's lock, like the tasks' phases it moves; futures are completed
 * outside it.
 */
final class InFlight {
    private final ProcessPool pool;
    private final Object lock;
    private final Map<Long, PoolTask> tasks = new HashMap<>(); // guarded by lock

    InFlight(ProcessPool pool) {
        this.pool = pool;
        this.lock = pool.lock;
    }

    /** Caller holds lock. */
    boolean isEmpty() {
        return tasks.isEmpty();
    }

    /**
     * Caller holds lock. Whether {@code head}, the queue's head, may start in this process now. A
     * task suspected of a crash runs alone, so that a second death is blamed on it alone.
     */
    boolean canTake(PoolTask head, int lanes) {
        if (head == null || tasks.size() >= lanes) {
            return false;
        }
        return tasks.isEmpty() || (!head.alone && tasks.values().stream().noneMatch(t -> t.alone));
    }

    /** Caller holds lock. {@code task}, taken off the queue, runs in {@code slot}'s process. */
    void take(PoolTask task, WorkerSlot slot) {
        task.run(slot);
        tasks.put(task.id, task);
        pool.running++;
    }

    /**
     * A frame from the process: an answer completes its task; a {@link Protocol#SCRATCH} notes a
     * temporary of a task in flight. Throws when it is for no task in flight.
     */
    void answered(Protocol.Response r) throws Protocol.ProtocolException {
        PoolTask task;
        synchronized (lock) {
            boolean answer = r.status() == Protocol.OK || r.status() == Protocol.ERROR;
            task = answer ? tasks.remove(r.id()) : r.status() == Protocol.SCRATCH ? tasks.get(r.id()) : null;
            if (task == null) {
                throw new Protocol.ProtocolException("unexpected response id " + r.id() + " status " + r.status());
            }
            if (!answer) {
                List<Path> scratch = new ArrayList<>(task.scratch);
                scratch.add(Path.of(Protocol.utf8(r.payload())));
                task.scratch = scratch;
                return;
            }
            task.scratch = List.of(); // the task saw to its temporaries itself
            pool.budget.taskCompleted();
            task.finish();
            // Its lane is free now: the slot sends the next queued task while this thread runs the
            // future's callbacks (the caller's, of unknown length: a batch's first ones, cold, took
            // ~100 ms, and the worker's thread sat idle through them).
            lock.notifyAll();
        }
        pool.completions.run(() -> complete(task, r)); // the reader goes back to reading answers
    }

    /** Completes an answered {@code task}'s future with {@code r} (on the pool's completion thread). */
    private void complete(PoolTask task, Protocol.Response r) {
        try {
            if (r.status() == Protocol.OK) {
                task.future.complete(r.payload());
            } else {
                String text = Protocol.utf8(r.payload());
                int nl = text.indexOf('\n');
                task.future.completeExceptionally(nl < 0
                        ? new WorkerTaskException(text, text)
                        : new WorkerTaskException(text.substring(0, nl), text.substring(nl + 1)));
            }
        } finally {
            // Counted as running until its callbacks are done, so close() returns after them.
            synchronized (lock) {
                pool.running--;
                lock.notifyAll();
            }
        }
    }

    /**
     * The process's output has ended with exit code {@code exit}: settles each task by its {@link
     * CrashVerdict} ({@code reason}: why the pool killed the process, null for a crash; {@code
     * target}: the task a timeout or cancellation kill was for). Freeing and requeueing happen at
     * once, so that no other slot sees an empty queue in between and stops while these tasks still
     * need running. Returns how many tasks the process was running.
     */
    int settle(int exit, WorkerSlot.Kill reason, PoolTask target) {
        List<PoolTask> victims;
        List<PoolTask> failed = new ArrayList<>();
        List<Throwable> outcomes = new ArrayList<>();
        synchronized (lock) {
            victims = new ArrayList<>(tasks.values());
            victims.sort(Comparator.comparingLong(t -> t.id));
            tasks.clear();
            // Before any retry runs or any future fails: a caller told of the failure finds no
            // half-written temporary left (a retry writes its own, under another name).
            victims.forEach(InFlight::deleteScratch);
            boolean open = pool.retries();
            List<PoolTask> retry = new ArrayList<>();
            for (PoolTask t : victims) {
                pool.running--;
                if (t.future.isDone()) {
                    t.finish(); // completed from outside (cancelled): nothing left to say
                    continue;
                }
                // A process stopped from outside (SIGSTOP) is no task's fault: all of them run elsewhere.
                CrashVerdict.End end = reason == null ? CrashVerdict.End.CRASHED
                        : reason == WorkerSlot.Kill.SHUTDOWN ? CrashVerdict.End.SHUTDOWN
                        : reason == WorkerSlot.Kill.STOPPED ? CrashVerdict.End.KILLED_FOR_ANOTHER
                        : t == target && reason == WorkerSlot.Kill.TIMEOUT ? CrashVerdict.End.TIMED_OUT
                        : CrashVerdict.End.KILLED_FOR_ANOTHER;
                if (end == CrashVerdict.End.CRASHED) t.crashes++;
                CrashVerdict v = CrashVerdict.of(end, t.crashes, victims.size() == 1, open);
                if (v.action() == CrashVerdict.Action.FAIL) {
                    t.finish();
                    failed.add(t);
                    outcomes.add(switch (v.reason()) {
                        case CRASHED_TWICE -> new WorkerCrashedException(
                                "worker process crashed twice on this input (exit code " + exit + ")", exit);
                        case TIMED_OUT -> new TimeoutException("ran longer than its time limit of " + seconds(t.timeout)
                                + "; its worker process was killed and replaced");
                        case POOL_STOPPED -> pool.terminalFailure();
                    });
                } else {
                    t.alone |= v.action() == CrashVerdict.Action.RETRY_ALONE;
                    t.requeue(); // REQUEUE: killed for another task's sake, not its fault
                    retry.add(t);
                }
            }
            for (int i = retry.size() - 1; i >= 0; i--) {
                pool.queue.addFirst(retry.get(i)); // next, on whichever process is free first
            }
            lock.notifyAll();
        }
        for (int i = 0; i < failed.size(); i++) {
            failed.get(i).future.completeExceptionally(outcomes.get(i));
        }
        return victims.size();
    }

    /** {@code 60 s}, {@code 1.5 s}. */
    static String seconds(java.time.Duration d) {
        long ms = d.toMillis();
        return (ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0)) + " s";
    }

    /** Caller holds lock. Deletes the temporaries {@code task}'s dead process left behind; what cannot be deleted stays. */
    private static void deleteScratch(PoolTask task) {
        for (Path p : task.scratch) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException | RuntimeException e) {
                // not ours to fight over: the next run's clean-up removes it
            }
        }
        task.scratch = List.of();
    }

    /** This slot's thread failed (a bug): fails the tasks it was running with {@code failure}. */
    void orphan(RuntimeException failure) {
        List<PoolTask> orphans;
        synchronized (lock) {
            orphans = new ArrayList<>(tasks.values());
            tasks.clear();
            for (PoolTask o : orphans) {
                deleteScratch(o);
                o.finish();
                pool.running--;
            }
            lock.notifyAll();
        }
        orphans.forEach(o -> o.future.completeExceptionally(failure));
    }
}
