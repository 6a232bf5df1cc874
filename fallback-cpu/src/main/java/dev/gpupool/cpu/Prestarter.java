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
    record Prestarted(List<Object> key, WorkerLauncher.Started started, Path trainingOutput) {
        void discard() {
            started.process().destroyForcibly();
            if (trainingOutput != null) WorkerLauncher.discard(trainingOutput);
        }
    }

    private final AtomicReference<Prestarted> held = new AtomicReference<>();

    /** What a prestarted process must match: everything its command line depends on. */
    static List<Object> key(ProcessPool.Options o, PoolShape shape) {
        return List.of(o.handler.getName(), o.workerJvmOptions(shape), o.startupCache, shape.lanes(0),
                o.classPath == null ? List.of() : o.classPath);
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

    /** Takes the held process if it was started with {@code key}; ends it otherwise. */
    Prestarted adopt(List<Object> key) {
        Prestarted p = held.getAndSet(null);
        if (p != null && !p.key().equals(key)) {
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
