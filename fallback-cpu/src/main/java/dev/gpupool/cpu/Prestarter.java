package dev.gpupool.cpu;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds at most one worker process started ahead of its pool, so that its JVM start-up overlaps
 * the caller's own (a command line parsing its arguments, probing devices). The owner calls {@link
 * #prestart}, then {@link ProcessPool#start} with equal options adopts the process through {@link
 * #adopt}; anything else ends it ({@link #cancel}, a later {@code prestart}, a pool with other
 * options). Unadopted, it exits when this JVM does (its input closes).
 *
 * <p>Thread-safe: the one process is swapped atomically, so whoever takes it owns it.
 */
final class Prestarter {

    /** A started worker process, what its command line depends on, and where it trains the AOT cache (or null). */
    record Prestarted(Key key, WorkerLauncher.Started started, Path trainingOutput) {
        void discard() {
            started.process().destroyForcibly();
            if (trainingOutput != null) WorkerLauncher.discard(trainingOutput);
        }
    }

    private final AtomicReference<Prestarted> held = new AtomicReference<>();

    /**
     * What a prestarted process's command line depends on: {@code command} must match exactly, and it
     * must run at least the {@code lanes} task threads the adopting slot gives it (more only idle: a
     * command line prestarts before it knows how few images it has, and {@link
     * ProcessPool.Options#expectedTasks} may then give the first process fewer threads).
     */
    record Key(List<Object> command, int lanes) {
        boolean serves(Key wanted) {
            return command.equals(wanted.command) && lanes >= wanted.lanes;
        }
    }

    /** What a prestarted process must match: everything its command line depends on. */
    static Key key(ProcessPool.Options o, PoolShape shape) {
        return new Key(List.of(o.handler.getName(), o.workerJvmOptions(shape), o.startupCache,
                o.classPath == null ? List.of() : o.classPath), shape.lanes(0));
    }

    /** Starts the first worker process of a pool with these options now. Never throws. */
    void prestart(ProcessPool.Options options) {
        try {
            WorkerClassPath cp = options.workerClassPath();
            if (!cp.usable()) return; // the pool will say why
            PoolShape shape = options.shape(PoolShape.Machine.detect());
            WorkerLauncher launcher = new WorkerLauncher(options.handler.getName(), cp.classPath(),
                    options.workerJvmOptions(shape), options.startupCache);
            Path training = launcher.trainingOutput();
            WorkerLauncher.Started p = launcher.start(training, shape.lanes(0));
            Prestarted old = held.getAndSet(new Prestarted(key(options, shape), p, training));
            if (old != null) old.discard();
        } catch (IOException | RuntimeException e) {
            // the pool starts its own
        }
    }

    /** Takes the held process if it {@linkplain Key#serves serves} {@code key}; ends it otherwise. */
    Prestarted adopt(Key key) {
        Prestarted p = held.getAndSet(null);
        if (p != null && !p.key().serves(key)) {
            p.discard();
            return null;
        }
        return p;
    }

    /** The pid of the held process, or -1. */
    long pid() {
        Prestarted p = held.get();
        return p == null ? -1 : p.started().process().pid();
    }

    /** Ends the held process, if any. */
    void cancel() {
        Prestarted old = held.getAndSet(null);
        if (old != null) old.discard();
    }
}
