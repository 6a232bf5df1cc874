package dev.gpupool.benchmark;

import net.coobird.thumbnailator.Thumbnails;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * The Java peer as its users run it: Thumbnailator 0.4.20 on a fixed pool of {@code threads} threads,
 * {@code Thumbnails.of(file).size(box, box).outputFormat("jpg").outputQuality(0.85).toFile(...)} per
 * image. Like gpupool's batch runner it keeps at most {@code 4 x threads} images in flight, so that the
 * per-image latencies (submission to file written) mean the same thing in both.
 */
public final class ThumbnailatorContender implements Contender {
    /** The peer's version, as the bench depends on it. */
    public static final String VERSION = "0.4.20";

    private final int threads, box;
    private final ExecutorService executor;

    public ThumbnailatorContender(int threads, int box) {
        this.threads = threads;
        this.box = box;
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "thumbnailator-bench");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return "Thumbnailator " + VERSION;
    }

    @Override
    public String device() {
        return threads + " thread" + (threads == 1 ? "" : "s") + " in this process (ImageIO)";
    }

    @Override
    public boolean isPeer() {
        return true;
    }

    @Override
    public boolean usesChildProcesses() {
        return false;
    }

    @Override
    public Batch run(List<Path> inputs, Path outDir) throws Exception {
        java.nio.file.Files.createDirectories(outDir);
        Semaphore inFlight = new Semaphore(4 * threads);
        List<Path> ok = Collections.synchronizedList(new ArrayList<>());
        List<Double> lat = Collections.synchronizedList(new ArrayList<>());
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < inputs.size(); i++) {
            Path in = inputs.get(i);
            Path out = outDir.resolve(i + "-" + in.getFileName().toString().replaceFirst("\\.[^.]+$", "") + ".jpg");
            inFlight.acquireUninterruptibly();
            long t0 = System.nanoTime();
            all.add(CompletableFuture.runAsync(() -> {
                try {
                    Thumbnails.of(in.toFile()).size(box, box).outputFormat("jpg").outputQuality(0.85).toFile(out.toFile());
                    double ms = (System.nanoTime() - t0) / 1e6;
                    synchronized (ok) {
                        ok.add(in);
                        lat.add(ms);
                    }
                } catch (Exception | OutOfMemoryError e) {
                    errors.add(in + ": " + e);
                } finally {
                    inFlight.release();
                }
            }, executor));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Batch(seconds, ok, lat, errors.size(), errors.isEmpty() ? null : errors.getFirst());
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
