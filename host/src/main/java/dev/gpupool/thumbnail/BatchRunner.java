package dev.gpupool.thumbnail;

import dev.gpupool.Backend;
import dev.gpupool.job.AtomicFiles;
import dev.gpupool.job.ThumbnailRequest;
import dev.gpupool.job.ThumbnailSpec;
import dev.gpupool.thumbnail.BatchReport.Item;
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
 * on virtual threads, and collects one report item per input, in input order.
 */
final class BatchRunner {
    private final ThumbnailEngine engine;
    private final Backend backend;
    private final String device;
    private final ThumbnailSpec spec;
    private final boolean overwrite;
    private final int maxInFlight;
    private final Semaphore io;
    private final Consumer<Item> listener;
    private HttpFetcher fetcher;

    BatchRunner(ThumbnailEngine engine, Backend backend, String device, ThumbnailSpec spec, boolean overwrite,
                int maxInFlight, int ioConcurrency, Consumer<Item> listener) {
        this.engine = engine;
        this.backend = backend;
        this.device = device;
        this.spec = spec;
        this.overwrite = overwrite;
        this.maxInFlight = maxInFlight;
        this.io = new Semaphore(ioConcurrency);
        this.listener = listener;
    }

    BatchReport run(List<Input> inputs, Path outDir) {
        long start = System.nanoTime();
        try {
            AtomicFiles.cleanLeftovers(outDir);
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // a leftover we cannot remove (or a folder the walk cannot read) does no harm: a
            // temporary is never taken for an output
        }
        OutputNames names = new OutputNames(outDir, spec.sizes(), spec.format());
        Item[] items = new Item[inputs.size()];
        Semaphore inFlight = new Semaphore(maxInFlight);
        CountDownLatch pending = new CountDownLatch(inputs.size());
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
            String first = outputs.getFirst().toString();
            if (!overwrite && upToDate(in, outputs)) {
                finish.accept(new Item(in.given(), first, Status.SKIPPED, null, null, 0, 0, 0, List.of()));
                continue;
            }
            inFlight.acquireUninterruptibly();
            long t0 = System.nanoTime();
            CompletableFuture<ThumbnailEngine.Done> done = in.url() != null
                    ? fetch(in).thenCompose(bytes -> engine.submit(new ThumbnailRequest(in.given(), null, bytes, outputs, spec)))
                    : engine.submit(new ThumbnailRequest(in.given(), in.file(), null, outputs, spec));
            done.whenComplete((d, e) -> {
                inFlight.release();
                double millis = (System.nanoTime() - t0) / 1e6;
                if (e != null) {
                    finish.accept(failed(in.given(), first, Errors.reason(e), millis));
                } else {
                    finish.accept(new Item(in.given(), first, Status.OK, null, d.ranOn().cliName(),
                            d.result().width(), d.result().height(), millis, d.result().warnings()));
                }
            });
        }
        awaitUninterruptibly(pending);
        double seconds = (System.nanoTime() - start) / 1e9;
        int ok = 0, failed = 0, skipped = 0;
        for (Item it : items) {
            switch (it.status()) {
                case OK -> ok++;
                case FAILED -> failed++;
                case SKIPPED -> skipped++;
            }
        }
        return new BatchReport(backend.cliName(), device, ok, failed, skipped, Math.round(seconds * 1000) / 1000.0, List.of(items));
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

    private Item failed(String input, String output, String reason, double millis) {
        return new Item(input, output, Status.FAILED, reason, null, 0, 0, millis, List.of());
    }

    private CompletableFuture<byte[]> fetch(Input in) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        synchronized (this) {
            if (fetcher == null) fetcher = HttpFetcher.defaults();
        }
        Thread.ofVirtual().name("gpupool-fetch").start(() -> {
            try {
                io.acquire();
                try {
                    f.complete(fetcher.fetch(in.url()));
                } finally {
                    io.release();
                }
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Every output exists and is no older than a file input (a URL's outputs only need to exist). */
    private static boolean upToDate(Input in, List<Path> outputs) {
        try {
            FileTime source = in.file() != null ? Files.getLastModifiedTime(in.file()) : null;
            for (Path o : outputs) {
                if (!Files.isRegularFile(o)) return false;
                if (source != null && Files.getLastModifiedTime(o).compareTo(source) < 0) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
