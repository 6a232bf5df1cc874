package dev.gpupool.benchmark;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.Crop;
import dev.gpupool.image.Fit;
import dev.gpupool.thumbnail.BatchReport;
import dev.gpupool.thumbnail.Thumbnailer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A gpupool backend, through the public API as a user calls it: one {@link Pool} opened before the
 * warm-up and kept for every round (so worker start-up and kernel builds land in the warm-up), and
 * {@code Thumbnailer.on(pool).size(box, box).format(JPEG).quality(85).overwrite(true).run(...)} per batch.
 * A variant (sharpened, smart-cropped, another format) shares its plain contender's pool, so its row
 * differs from the plain one by that option alone.
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
        this(base, box, "+sharpen", t -> t.sharpen(sharpen));
    }

    /**
     * {@code base}'s backend and pool with {@code --fit cover --crop crop}: what a smart crop costs (the
     * search for the window, and the larger decode cover needs, as a {@code +crop centre} row beside it
     * separates). Named {@code BACKEND +crop MODE}.
     */
    public static PoolContender cropped(PoolContender base, int box, Crop crop) {
        return new PoolContender(base, box, "+crop " + crop.cliName(), t -> t.fit(Fit.COVER).crop(crop.cliName()));
    }

    /**
     * {@code base}'s backend and pool writing {@code format} at the same quality instead of JPEG: what
     * that encoder costs (AVIF at {@link dev.gpupool.codec.EncodeOptions#DEFAULT_AVIF_SPEED}, lossy WebP,
     * PNG). Named {@code BACKEND +avif} (the format's extension).
     */
    public static PoolContender formatted(PoolContender base, int box, OutputFormat format) {
        return new PoolContender(base, box, "+" + format.extension(), t -> t.format(format));
    }

    private PoolContender(PoolContender base, int box, String variant, UnaryOperator<Thumbnailer> how) {
        this.pool = base.pool;
        this.ownsPool = false;
        this.thumbnailer = how.apply(Thumbnailer.on(pool).size(box, box).format(OutputFormat.JPEG).quality(85).overwrite(true));
        this.name = base.name + " " + variant;
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
