package dev.gpupool.thumbnail;

import dev.gpupool.backend.ThumbnailEngine;
import dev.gpupool.codec.Codecs;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.job.ThumbnailJob;
import dev.gpupool.Backend;
import dev.gpupool.job.AtomicFiles;
import dev.gpupool.job.StageSpan;
import dev.gpupool.job.ThumbnailRequest;
import dev.gpupool.job.ThumbnailResult;
import dev.gpupool.job.ThumbnailSpec;
import dev.gpupool.thumbnail.BatchReport.Item;
import dev.gpupool.thumbnail.BatchReport.Ran;
import dev.gpupool.thumbnail.BatchReport.Status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Runs one batch: plans every input's outputs, skips those up to date, hands the rest to the engine
 * with a bounded number in flight (so memory stays flat however many inputs there are), fetches URLs
 * as many at once as hide their latency ({@link FetchWindow}, capped by io-concurrency) and their
 * bodies within the budget for bodies ({@link BodyBudget}), and collects one report item per input, in
 * input order.
 *
 * <p>Fetches block on platform threads of the batch's own, not on virtual threads, though there are as
 * many threads as fetches in flight (the window, at most io-concurrency): a virtual thread's socket wait
 * goes through the JDK's poller, a platform thread parked in {@code epoll_wait} for the JVM's lifetime,
 * and at exit the JVM waits up to 300 ms for threads in native code to come back (measured: a command
 * with one URL input ended 0.33 s after its summary, one with a file 0.03 s). A blocking read on a
 * platform thread also costs fewer system calls than a park and an unpark per read. Such a read ignores
 * interrupts, so a stop closes the fetches' connections ({@link HttpFetcher#abort}).
 */
final class BatchRunner {
    private final ThumbnailEngine engine;
    private final Backend backend;
    private final String device;
    private final ThumbnailSpec spec;
    private final boolean overwrite;
    private final int maxInFlight;
    private final FetchWindow io;
    private final BodyBudget bodies;
    private final Consumer<Item> listener;
    private HttpFetcher fetcher;
    private java.util.function.Supplier<String> stopWhen = () -> null; // set before run()
    private volatile String stopped;  // why the batch stopped (a signal), once it has
    private final java.util.Set<Thread> fetching = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private java.util.concurrent.ExecutorService fetchThreads; // made by the first fetch of a run; guarded by this

    BatchRunner(ThumbnailEngine engine, Backend backend, String device, ThumbnailSpec spec, boolean overwrite,
                int maxInFlight, int ioConcurrency, Consumer<Item> listener) {
        this(engine, backend, device, spec, overwrite, maxInFlight, ioConcurrency, Long.MAX_VALUE, listener);
    }

    /** As above, fetched bodies holding at most {@code bodyBytes} at once ({@code Long.MAX_VALUE}: no bound). */
    BatchRunner(ThumbnailEngine engine, Backend backend, String device, ThumbnailSpec spec, boolean overwrite,
                int maxInFlight, int ioConcurrency, long bodyBytes, Consumer<Item> listener) {
        this.engine = engine;
        this.backend = backend;
        this.device = device;
        this.spec = spec;
        this.overwrite = overwrite;
        this.maxInFlight = maxInFlight;
        // Before anything is measured, as many fetches as images the engine takes at once.
        this.io = new FetchWindow(maxInFlight, ioConcurrency, bodyBytes, System::nanoTime);
        this.bodies = bodyBytes == Long.MAX_VALUE ? null : new BodyBudget(bodyBytes);
        this.listener = listener;
    }

    /**
     * Where the batch learns that it must stop ({@code Pool::interruption}: a reason, or null while it may
     * go on). Once it gives a reason, the inputs not yet fetched fail with it at once and the fetches in
     * flight are interrupted (a socket read on a virtual thread ends when its thread is interrupted), so a
     * signal ends a batch of slow URLs within its grace instead of after every fetch's timeouts and retries.
     */
    BatchRunner stopWhen(java.util.function.Supplier<String> reason) {
        this.stopWhen = java.util.Objects.requireNonNull(reason);
        return this;
    }

    BatchReport run(List<Input> inputs, Path outDir) {
        return run(inputs, outDir, new StageTimes(false));
    }

    /** Runs the batch; every finished image's spans go to {@code stages}. */
    BatchReport run(List<Input> inputs, Path outDir, StageTimes stages) {
        return run(inputs, new OutputNames(outDir, spec.sizes(), spec.format()), stages);
    }

    /**
     * Runs the batch into the outputs {@code names} makes (an output directory, or a template's); every
     * finished image's spans go to {@code stages}. Temporaries left by a killed run are removed first:
     * under the whole output directory, or for a template only in the directories this batch writes to
     * (its root may be the current directory, which is not walked).
     */
    BatchReport run(List<Input> inputs, OutputNames names, StageTimes stages) {
        long start = System.nanoTime();
        java.util.Set<Path> cleaned = new java.util.HashSet<>();
        if (!names.isTemplate()) cleanLeftovers(names.root(), true);
        java.util.Set<Path> inputFiles = realPaths(inputs);
        Item[] items = new Item[inputs.size()];
        Semaphore inFlight = new Semaphore(maxInFlight);
        CountDownLatch pending = new CountDownLatch(inputs.size());
        Thread watcher = Thread.ofVirtual().name("gpupool-batch-stop").start(() -> watchForStop(pending));
        for (int i = 0; i < inputs.size(); i++) {
            Input in = inputs.get(i);
            int index = i;
            Consumer<Item> finish = item -> {
                items[index] = item;
                listener.accept(item);
                pending.countDown();
            };
            if (in.error() != null) {
                finish.accept(failed(in.given(), null, in.error(), 0));
                continue;
            }
            List<Path> outputs;
            try {
                outputs = names.outputsFor(in);
            } catch (IllegalArgumentException e) {
                finish.accept(failed(in.given(), null, e.getMessage(), 0));
                continue;
            }
            if (names.isTemplate()) {
                for (Path o : outputs) if (cleaned.add(o.getParent())) cleanLeftovers(o.getParent(), false);
            }
            String first = outputs.getFirst().toString();
            String refused = refusal(outputs, inputFiles);
            if (refused != null) {
                finish.accept(failed(in.given(), first, refused, 0));
                continue;
            }
            String identity = OutputNames.identity(in);
            if (!overwrite && upToDate(in, identity, outputs)) {
                finish.accept(new Item(in.given(), first, Status.SKIPPED, null, null, 0, 0, 0, List.of()));
                continue;
            }
            if (!overwrite) {
                String foreign = foreign(outputs);
                if (foreign != null) {
                    finish.accept(failed(in.given(), first, foreign, 0));
                    continue;
                }
            }
            long t0 = System.nanoTime();
            StageSpan[] fetched = new StageSpan[1];
            CompletableFuture<ThumbnailEngine.Done> done;
            BodyBudget.Lease lease = in.url() != null && bodies != null ? bodies.lease() : null;
            if (in.url() != null || in.remote() != null) {
                // Fetch stage (a URL, or a file of another source such as HDFS): up to the window at once,
                // each holding its slot until a processing slot is free, so fetched bytes never pile up
                // beyond the window's images.
                io.acquire();
                if (stopped != null) {   // stopping: this input is not fetched at all
                    io.release();
                    if (lease != null) lease.close();
                    finish.accept(failed(in.given(), first, stopped, 0));
                    continue;
                }
                done = fetch(in, fetched, inFlight, lease).thenCompose(body -> submit(in, body, outputs));
            } else {
                inFlight.acquireUninterruptibly();
                try {
                    done = engine.submit(new ThumbnailRequest(in.given(), in.file(), in.bytes(), outputs, spec));
                } catch (RuntimeException e) { // the pool closed under the batch (another thread): this input fails, the report stays
                    done = CompletableFuture.failedFuture(e);
                }
            }
            done.whenComplete((d, e) -> {
                if (lease != null) lease.close(); // the body (in the heap or spooled) is gone with its image
                inFlight.release();
                io.consumed();
                double millis = (System.nanoTime() - t0) / 1e6;
                if (e != null) {
                    if (Errors.isStop(e)) removeUnreported(outputs);
                    finish.accept(failed(in.given(), first, Errors.reason(e), millis));
                } else {
                    List<StageSpan> spans = d.result().spans();
                    if (fetched[0] != null) spans = java.util.stream.Stream.concat(java.util.stream.Stream.of(fetched[0]), spans.stream()).toList();
                    stages.add(in.given(), spans);
                    ThumbnailResult r = d.result();
                    for (Path o : outputs) OutputMarks.mark(o, identity);
                    finish.accept(new Item(in.given(), first, Status.OK, null, d.ranOn().cliName(),
                            r.width(), r.height(), millis, r.warnings(), r.inputFormat(), r.inputWidth(), r.inputHeight(),
                            outputs(outputs, r), ran(d, r, outputs.getFirst())));
                }
            });
        }
        awaitUninterruptibly(pending);
        watcher.interrupt();
        synchronized (this) {
            if (fetchThreads != null) fetchThreads.shutdown(); // idle now: every fetch has handed its body on
            fetchThreads = null;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int ok = 0, failed = 0, skipped = 0;
        for (Item it : items) {
            switch (it.status()) {
                case OK -> ok++;
                case FAILED -> failed++;
                case SKIPPED -> skipped++;
            }
        }
        return new BatchReport(backend.cliName(), device, ok, failed, skipped, Math.round(seconds * 1000) / 1000.0,
                stages.busySeconds(), List.of(items));
    }

    /**
     * Where {@code d}'s stages ran: the engine's word when it gives one; otherwise (the CPU engines) the
     * CPU codec {@link Codecs} uses for the input's format and the first output's, and the backend it
     * ran on as the resizer.
     */
    private Ran ran(ThumbnailEngine.Done d, ThumbnailResult r, Path firstOutput) {
        ThumbnailEngine.Where w = d.where();
        if (w != null) return new Ran(w.decode(), w.resize(), w.encode());
        OutputFormat out;
        try {
            out = ThumbnailJob.formatOf(firstOutput); // what the CPU job encodes by
        } catch (IllegalArgumentException e) {
            out = spec.formatFor(r.inputFormat());
        }
        return new Ran(Codecs.decoderName(r.inputFormat()), d.ranOn().cliName(), Codecs.encoderName(out));
    }

    /** The report's list of what {@code r} wrote: its paths and sizes are the request's, in the same order. */
    private List<BatchReport.Output> outputs(List<Path> paths, ThumbnailResult r) {
        List<BatchReport.Output> out = new java.util.ArrayList<>(r.outputs().size());
        for (int i = 0; i < r.outputs().size() && i < paths.size(); i++) {
            ThumbnailResult.Output o = r.outputs().get(i);
            out.add(new BatchReport.Output(paths.get(i).toString(), spec.sizes().get(i).toString(), o.width(), o.height(), o.bytes()));
        }
        return out;
    }

    /**
     * Removes the temporaries that killed runs left in {@code dir} (and under it when {@code deep}); those
     * of a live run (another batch writing here now) stay ({@link AtomicFiles#cleanLeftovers}).
     */
    private static void cleanLeftovers(Path dir, boolean deep) {
        try {
            AtomicFiles.cleanLeftovers(dir, deep);
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // a leftover we cannot remove (or a folder the walk cannot read) does no harm: a
            // temporary is never taken for an output
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // every item still finishes and is reported; the flag is restored below
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Until the batch is over: polls {@link #stopWhen}; once it gives a reason, stops the fetch window and interrupts the fetches. */
    private void watchForStop(CountDownLatch pending) {
        try {
            while (!pending.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                String why = stopWhen.get();
                if (why == null) continue;
                stopped = why;
                io.stop();
                HttpFetcher f;
                synchronized (this) {
                    f = fetcher;
                }
                for (Thread t : fetching) {
                    if (f != null) f.abort(t);
                    else t.interrupt();
                }
                return;
            }
        } catch (InterruptedException e) {
            // the batch is over
        }
    }

    private Item failed(String input, String output, String reason, double millis) {
        return new Item(input, output, Status.FAILED, reason, null, 0, 0, millis, List.of());
    }

    /**
     * Fetches a URL input on a fetch thread that holds one of the {@code io} window's slots; once
     * the bytes are in, it takes a processing slot from {@code inFlight} and only then gives the io
     * permit back. A failed fetch still takes the slot (the caller's completion releases one either
     * way). The fetch's span goes to {@code span[0]}.
     */
    private CompletableFuture<Body> fetch(Input in, StageSpan[] span, Semaphore inFlight, BodyBudget.Lease lease) {
        CompletableFuture<Body> f = new CompletableFuture<>();
        java.util.concurrent.ExecutorService threads;
        synchronized (this) {
            if (fetcher == null) fetcher = HttpFetcher.defaults();
            if (fetchThreads == null) fetchThreads = newFetchThreads();
            threads = fetchThreads;
        }
        threads.execute(() -> {
            Body body = null;
            Exception failure = null;
            fetching.add(Thread.currentThread());
            Path file = in.url() != null ? engine.bodyFile() : null;
            try {
                if (stopped != null) throw new dev.gpupool.cpu.PoolStoppedException(stopped);
                long t = StageSpan.nowMicros();
                long t0 = System.nanoTime();
                body = in.url() == null ? new Body(in.remote().readAll(HttpFetcher.DEFAULT_MAX_BYTES), null)
                        : new Body(fetcher.fetch(in.url(), lease, file), file);
                io.fetched(System.nanoTime() - t0, body.length());
                span[0] = StageSpan.since("fetch", t);
            } catch (Exception e) {
                // interrupted because the batch is stopping: the reason is the signal, not the socket's
                failure = stopped != null ? new dev.gpupool.cpu.PoolStoppedException(stopped) : e;
                if (file != null) engine.discard(file);
            } finally {
                fetching.remove(Thread.currentThread());
                Thread.interrupted();   // a stop's interrupt must not outlive this fetch
            }
            inFlight.acquireUninterruptibly();
            io.release();
            if (failure != null) f.completeExceptionally(failure);
            else f.complete(body);
        });
        return f;
    }

    /**
     * Daemon platform threads, one per fetch in flight (the window bounds them), kept 10 s between
     * fetches; the class comment says why not virtual threads.
     */
    private static java.util.concurrent.ExecutorService newFetchThreads() {
        return new java.util.concurrent.ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), Thread.ofPlatform().daemon().name("gpupool-fetch-", 1).factory());
    }

    /**
     * An image failed because the pool stopped (a signal): its worker may have renamed an output into
     * place and been stopped or killed before saying so, which would leave a whole output for an input
     * the report calls failed. Such an output still carries only the worker's mark ({@link
     * OutputMarks#isUnreported}): it goes. On {@code cpu} the pool ends a worker before it fails the
     * worker's images, so no rename can follow; an abandoned {@code cpu-threads} thread could still
     * rename one as the JVM exits.
     */
    private static void removeUnreported(List<Path> outputs) {
        for (Path o : outputs) {
            try {
                if (OutputMarks.isUnreported(o)) Files.deleteIfExists(o);
            } catch (IOException ignored) {
                // it stays: a rerun redoes an output not marked with its input
            }
        }
    }

    /** A fetched body: in memory, or (bytes null) in a file the engine asked for ({@link ThumbnailEngine#bodyFile}). */
    private record Body(byte[] bytes, Path file) {
        long length() throws IOException {
            return bytes != null ? bytes.length : Files.size(file);
        }
    }

    /** {@code in}'s fetched {@code body} to the engine; a body file the engine never got is handed back. */
    private CompletableFuture<ThumbnailEngine.Done> submit(Input in, Body body, List<Path> outputs) {
        try {
            return engine.submit(new ThumbnailRequest(in.given(), body.file(), body.bytes(), outputs, spec));
        } catch (RuntimeException e) {
            if (body.file() != null) engine.discard(body.file());
            throw e;
        }
    }

    /** The real paths of the batch's file inputs (those that exist). */
    private static java.util.Set<Path> realPaths(List<Input> inputs) {
        java.util.Set<Path> s = new java.util.HashSet<>();
        for (Input in : inputs) {
            if (in.file() == null || in.error() != null) continue;
            try {
                s.add(in.file().toRealPath());
            } catch (IOException | SecurityException ignored) {
                // it fails as an input of its own
            }
        }
        return s;
    }

    /**
     * Why none of {@code outputs} may be written at all, even with {@code --overwrite}: one of them is
     * (by its real path) an input of this batch; else null.
     */
    private static String refusal(List<Path> outputs, java.util.Set<Path> inputFiles) {
        for (Path o : outputs) {
            try {
                if (Files.exists(o) && inputFiles.contains(o.toRealPath())) {
                    return "output " + o + " is an input of this batch: an input is never written over (choose another -o)";
                }
            } catch (IOException | SecurityException ignored) {
                // cannot be resolved, so it cannot be shown to be an input; writing it will say what is wrong
            }
        }
        return null;
    }

    /**
     * Why {@code outputs} are not replaced without {@code --overwrite}: one of them exists and was not
     * written by gpupool ({@link OutputMarks}); else null.
     */
    private static String foreign(List<Path> outputs) {
        for (Path o : outputs) {
            if (Files.exists(o, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !OutputMarks.isMarked(o)) {
                return o + " exists and was not written by gpupool: not replaced without --overwrite";
            }
        }
        return null;
    }

    /**
     * Every output exists, was made from this input ({@link OutputMarks#madeFrom}: a mark naming another
     * input, or an older gpupool's mark that names none, is not up to date; an unmarked file, which a file
     * system without marks or a kill between the rename and the mark leaves, is judged by its time alone),
     * and is no older than a file input (a URL's outputs only need to exist); standard input's outputs are
     * never up to date (nothing says what it held before).
     */
    private static boolean upToDate(Input in, String identity, List<Path> outputs) {
        if (in.bytes() != null) return false;
        try {
            FileTime source = in.file() != null ? Files.getLastModifiedTime(in.file())
                    : in.remote() != null ? FileTime.fromMillis(in.remote().modified()) : null;
            for (Path o : outputs) {
                if (!Files.isRegularFile(o)) return false;
                if (OutputMarks.madeFrom(o, identity) == Boolean.FALSE) return false;
                if (source != null && Files.getLastModifiedTime(o).compareTo(source) < 0) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
