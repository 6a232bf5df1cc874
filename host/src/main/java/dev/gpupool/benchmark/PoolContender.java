package dev.gpupool.benchmark;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.thumbnail.BatchReport;
import dev.gpupool.thumbnail.Thumbnailer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A gpupool backend, through the public API as a user calls it: one {@link Pool} opened before the
 * warm-up and kept for every round (so worker start-up and kernel builds land in the warm-up), and
 * {@code Thumbnailer.on(pool).size(box, box).format(JPEG).quality(85).overwrite(true).run(...)} per batch.
 */
public final class PoolContender implements Contender {
    private final Pool pool;
    private final boolean ownsPool;
    private final Thumbnailer thumbnailer;
    private final String name;

    public PoolContender(Backend backend, int workers, int box) {
        this.pool = Pool.builder().backend(backend).workers(workers).open();
        this.ownsPool = true;
        this.thumbnailer = Thumbnailer.on(pool).size(box, box).format(OutputFormat.JPEG).quality(85).overwrite(true);
        this.name = pool.backend().cliName();
    }

    /**
     * The same backend, on {@code base}'s pool (which {@code base} closes), with every thumbnail sharpened
     * by {@code sharpen}: the row beside {@code base}'s shows what {@code --sharpen} costs. Named
     * {@code BACKEND +sharpen}.
     */
    public PoolContender(PoolContender base, int box, dev.gpupool.image.Sharpen sharpen) {
        this.pool = base.pool;
        this.ownsPool = false;
        this.thumbnailer = Thumbnailer.on(pool).size(box, box).format(OutputFormat.JPEG).quality(85).overwrite(true).sharpen(sharpen);
        this.name = base.name + " +sharpen";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String device() {
        return pool.device();
    }

    @Override
    public boolean isPeer() {
        return false;
    }

    @Override
    public boolean usesChildProcesses() {
        return pool.backend() == Backend.CPU;
    }

    @Override
    public Batch run(List<Path> inputs, Path outDir) {
        BatchReport r = thumbnailer.run(inputs, outDir);
        List<Path> ok = new ArrayList<>();
        List<Double> lat = new ArrayList<>();
        String firstError = null;
        for (BatchReport.Item item : r.items()) {
            if (item.isOk()) {
                ok.add(Path.of(item.input()));
                lat.add(item.millis());
            } else if (firstError == null) {
                firstError = item.input() + ": " + item.error();
            }
        }
        return new Batch(r.seconds(), ok, lat, r.failed() + r.skipped(), firstError);
    }

    @Override
    public void close() {
        if (ownsPool) pool.close();
    }
}
