package dev.gpupool.thumbnail;

import dev.gpupool.backend.ThumbnailEngine;
import dev.gpupool.Pool;
import dev.gpupool.codec.DecodeOptions;
import dev.gpupool.codec.EncodeOptions;
import dev.gpupool.codec.MemoryBudget;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.BufferedImages;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Crop;
import dev.gpupool.image.Fit;
import dev.gpupool.image.FitPlan;
import dev.gpupool.image.Sharpen;
import dev.gpupool.image.SmartCrop;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.codec.Subsample;
import dev.gpupool.job.BoxSize;
import dev.gpupool.job.MemoryJob;
import dev.gpupool.job.ThumbnailSpec;
import dev.gpupool.thumbnail.BatchReport.Item;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Makes thumbnails on a {@link Pool}: a batch of files, directories and URLs into an output
 * directory ({@link #run}), or one image in memory ({@link #resize}). Configure, then run; a
 * {@code Thumbnailer} is a mutable builder and not thread-safe, but each run is independent.
 *
 * <pre>{@code
 * try (Pool pool = Pool.open()) {
 *     BatchReport report = Thumbnailer.on(pool).size(256, 256).quality(85)
 *             .run(List.of(Path.of("photos")), Path.of("thumbs"));
 *     System.out.println(report.summary());            // 30 ok, 0 failed, 0 skipped in 1.20 s ...
 *     BufferedImage small = Thumbnailer.on(pool).size(128, 128).resize(image);
 *     ThumbnailSet t = Thumbnailer.on(pool).sizes("128,512").fit(Fit.COVER).format(Format.WEBP)
 *             .thumbnail(imageBytes);                  // bytes in, bytes out
 *     byte[] small = t.get(0).bytes(), large = t.get(1).bytes();
 * }
 * }</pre>
 *
 * Everything a user needs is in {@code dev.gpupool} ({@code Pool}, {@code Backend}) and here: sizes as
 * ints or strings ({@code "256"}, {@code "320x240"}, {@code "128,512"}), and {@link dev.gpupool.thumbnail.Fit},
 * {@link dev.gpupool.thumbnail.Filter} and {@link Format}, which mirror the internal enums of
 * {@code dev.gpupool.image} and {@code dev.gpupool.codec} (the builder still takes those too).
 *
 * Defaults are the command line's: 256x256, {@link Fit#CONTAIN}, {@link Filter#LANCZOS3}, JPEG at
 * quality 85, EXIF orientation applied, never enlarging, strict decoding, outputs up to date skipped, a
 * time limit of 120 s per image ({@link #timeout}).
 */
public final class Thumbnailer {
    private final Pool pool;
    private List<BoxSize> sizes = List.of(new BoxSize(256, 256));
    private Fit fit = Fit.CONTAIN;
    private Filter filter = Filter.LANCZOS3;
    private OutputFormat format = OutputFormat.JPEG;
    private int quality = 85;
    private boolean upscale;
    private boolean autoRotate = true;
    private int background = 0xFFFFFF;
    private long maxPixels = DecodeOptions.DEFAULT_MAX_PIXELS;
    private boolean lenient;
    private boolean progressive;
    private Subsample subsample = Subsample.AUTO;
    private boolean lossless;
    private boolean keepMetadata;
    private boolean keepIcc;
    private Crop crop = Crop.CENTRE;
    private Sharpen sharpen;
    private int avifSpeed = EncodeOptions.DEFAULT_AVIF_SPEED;
    private boolean overwrite;
    private int ioConcurrency = 64;
    private Consumer<Item> onItem = item -> { };
    private java.util.function.IntConsumer onListed = n -> { };
    private InputStream stdin = System.in;
    private Path trace;
    private java.time.Duration timeout = DEFAULT_TIMEOUT;

    /**
     * The default per-image time limit, 120 s: a nightly batch must not hang on one hostile image
     * (a progressive JPEG of 50,000 scans took 11 minutes), yet never fail a real one. The largest
     * image {@code --max-pixels} lets in, a 179 MP PNG (485 MB, noisy), took 17 s from read to
     * written thumbnail on a 2-core machine with other work on it, on {@code cpu} and on {@code
     * cpu-threads}; 120 s leaves seven times that, and costs a hostile image at most two minutes of
     * one worker.
     */
    public static final java.time.Duration DEFAULT_TIMEOUT = java.time.Duration.ofSeconds(120);

    private Thumbnailer(Pool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /** A thumbnailer running on {@code pool}'s backend. */
    public static Thumbnailer on(Pool pool) {
        return new Thumbnailer(pool);
    }

    /** One square bounding box of {@code side x side}. */
    public Thumbnailer size(int side) {
        return size(side, side);
    }

    /** One bounding box of {@code width x height}; one side may be 0, free ({@code size(256, 0)} is {@code "256x"}). */
    public Thumbnailer size(int width, int height) {
        this.sizes = List.of(new BoxSize(width, height));
        return this;
    }

    /**
     * One bounding box as the command line writes it: {@code 256} (a square), {@code 320x240}, {@code 256x}
     * (width 256, any height) or {@code x256} (height 256, any width; a box with a free side bounds the
     * other side only, whatever the fit).
     *
     * @throws IllegalArgumentException a size that does not parse, or several ({@link #sizes(String...)} takes those)
     */
    public Thumbnailer size(String size) {
        if (size.contains(",")) throw new IllegalArgumentException("one size expected, not '" + size + "' (sizes(...) takes several)");
        this.sizes = List.of(BoxSize.parse(size));
        return this;
    }

    /**
     * Several bounding boxes as the command line's {@code -s} takes them, one output per box in this order:
     * {@code sizes("128,512")}, {@code sizes("128", "320x240", "256x", "x256")}, or both forms mixed.
     *
     * @throws IllegalArgumentException no size, or one that does not parse
     */
    public Thumbnailer sizes(String... sizes) {
        List<BoxSize> boxes = new ArrayList<>();
        for (String s : sizes) for (String one : s.split(",", -1)) boxes.add(BoxSize.parse(one));
        return sizes(boxes);
    }

    /** Several square bounding boxes ({@code sizes(128, 512)}), one output per box in this order. */
    public Thumbnailer sizes(int... sides) {
        List<BoxSize> boxes = new ArrayList<>(sides.length);
        for (int side : sides) boxes.add(new BoxSize(side, side));
        return sizes(boxes);
    }

    /** Several bounding boxes: one output per box, from one decode. */
    public Thumbnailer sizes(List<BoxSize> boxes) {
        if (boxes.isEmpty()) throw new IllegalArgumentException("at least one size is needed");
        this.sizes = List.copyOf(boxes);
        return this;
    }

    public Thumbnailer fit(Fit fit) {
        this.fit = Objects.requireNonNull(fit);
        return this;
    }

    /** How each image fits its boxes ({@link dev.gpupool.thumbnail.Fit#CONTAIN} by default). */
    public Thumbnailer fit(dev.gpupool.thumbnail.Fit fit) {
        return fit(fit.internal());
    }

    /** {@code contain}, {@code cover} or {@code fill}, as the command line's {@code --fit}. */
    public Thumbnailer fit(String fit) {
        return fit(Fit.parse(fit));
    }

    /**
     * Which window a {@code cover} fit keeps: {@code centre} (the default), {@code entropy} or
     * {@code attention}, as the command line's {@code --crop}; the other fits ignore it.
     *
     * @throws IllegalArgumentException an unknown strategy
     */
    public Thumbnailer crop(String crop) {
        this.crop = Crop.parse(crop);
        return this;
    }

    public Thumbnailer filter(Filter filter) {
        this.filter = Objects.requireNonNull(filter);
        return this;
    }

    /** The resampling filter ({@link dev.gpupool.thumbnail.Filter#LANCZOS3} by default). */
    public Thumbnailer filter(dev.gpupool.thumbnail.Filter filter) {
        return filter(filter.internal());
    }

    /** {@code box}, {@code triangle}, {@code mitchell} or {@code lanczos3}, as the command line's {@code --filter}. */
    public Thumbnailer filter(String filter) {
        return filter(Filter.parse(filter));
    }

    /** The output format; null keeps each input's format (JPEG and WebP stay, the rest become PNG). */
    public Thumbnailer format(OutputFormat format) {
        this.format = format;
        return this;
    }

    /** The output format ({@link Format#JPEG} by default); {@link Format#SAME} keeps each input's (JPEG and WebP stay, the rest become PNG). */
    public Thumbnailer format(Format format) {
        return format(format.internal());
    }

    /** {@code jpg}, {@code png}, {@code webp} or {@code same}, as the command line's {@code --format}. */
    public Thumbnailer format(String format) {
        return format(Format.parse(format));
    }

    /** 1..100, for JPEG and WebP. */
    public Thumbnailer quality(int quality) {
        if (quality < 1 || quality > 100) throw new IllegalArgumentException("quality must be 1..100, not " + quality);
        this.quality = quality;
        return this;
    }

    /**
     * JPEG outputs progressive (SOF2: a coarse whole image first, refined by later scans; libjpeg gives
     * them optimised Huffman tables, usually a few percent smaller than baseline) instead of baseline
     * (off by default, as the command line's {@code --progressive}). Other formats ignore it.
     */
    public Thumbnailer progressive(boolean progressive) {
        this.progressive = progressive;
        return this;
    }

    /**
     * JPEG chroma subsampling, as the command line's {@code --subsample}: {@code 420}, {@code 422},
     * {@code 444} or {@code auto} (the default: 4:4:4 at quality 90 and above, else 4:2:0, as libvips).
     *
     * @throws IllegalArgumentException anything else
     */
    public Thumbnailer subsample(String subsample) {
        this.subsample = Subsample.parse(subsample);
        return this;
    }

    /**
     * Sharpen every thumbnail after the resize with the unsharp mask {@code spec}: {@code SIGMA[,AMOUNT[,THRESHOLD]]}
     * as the command line's {@code --sharpen=...}, or {@code ""} for the defaults (sigma 0.5, amount 1, threshold 5;
     * see {@link Sharpen}); null turns it off (the default).
     *
     * @throws IllegalArgumentException a spec {@link Sharpen#parse} refuses
     */
    public Thumbnailer sharpen(String spec) {
        this.sharpen = spec == null ? null : Sharpen.parse(spec);
        return this;
    }

    /** {@link #sharpen(String)} with the parameters given; null: no sharpening. */
    public Thumbnailer sharpen(Sharpen sharpen) {
        this.sharpen = sharpen;
        return this;
    }

    /**
     * AVIF outputs' AV1 encoder speed, 0 (slowest, smallest files) .. 10 (fastest), as {@code --avif-speed};
     * {@link EncodeOptions#DEFAULT_AVIF_SPEED} by default. Other formats ignore it.
     */
    public Thumbnailer avifSpeed(int speed) {
        if (speed < 0 || speed > 10) throw new IllegalArgumentException("avif-speed must be 0..10, not " + speed);
        this.avifSpeed = speed;
        return this;
    }

    /** WebP outputs lossless, every pixel kept, quality not used (off by default; {@code --lossless}). Other formats ignore it. */
    public Thumbnailer lossless(boolean lossless) {
        this.lossless = lossless;
        return this;
    }

    /** Allow outputs larger than their input (off by default). */
    public Thumbnailer upscale(boolean upscale) {
        this.upscale = upscale;
        return this;
    }

    /** Apply the EXIF orientation before fitting (on by default). */
    public Thumbnailer autoRotate(boolean autoRotate) {
        this.autoRotate = autoRotate;
        return this;
    }

    /** 0xRRGGBB that transparent pixels are flattened onto in JPEG outputs (white by default). */
    public Thumbnailer background(int rgb) {
        this.background = rgb & 0xFFFFFF;
        return this;
    }

    /** Refuse images whose header declares more pixels, before decoding them. */
    public Thumbnailer maxPixels(long maxPixels) {
        if (maxPixels < 1) throw new IllegalArgumentException("max-pixels must be positive");
        this.maxPixels = maxPixels;
        return this;
    }

    /** Keep what decodes of a damaged image, with a warning, instead of failing it. */
    public Thumbnailer lenient(boolean lenient) {
        this.lenient = lenient;
        return this;
    }

    /**
     * Keep the source's EXIF (orientation reset to 1, embedded thumbnail dropped), XMP and IPTC (JPEG
     * outputs only) in every output; off by default.
     */
    public Thumbnailer keepMetadata(boolean keepMetadata) {
        this.keepMetadata = keepMetadata;
        return this;
    }

    /** Keep the source's ICC profile with its pixels unconverted, instead of converting to sRGB; off by default. */
    public Thumbnailer keepIcc(boolean keepIcc) {
        this.keepIcc = keepIcc;
        return this;
    }

    /** No metadata in the outputs, colour converted to sRGB (the default): undoes {@link #keepMetadata} and {@link #keepIcc}. */
    public Thumbnailer strip() {
        this.keepMetadata = false;
        this.keepIcc = false;
        return this;
    }

    /** Redo outputs that exist and are newer than their input (skipped by default). */
    public Thumbnailer overwrite(boolean overwrite) {
        this.overwrite = overwrite;
        return this;
    }

    /**
     * How long one image may take once a worker has it (read, decode, resize, encode, write; not the
     * wait before, nor an HTTP fetch, which has its own timeouts); {@code null} for no limit; {@link
     * #DEFAULT_TIMEOUT} by default, as the command line's {@code --timeout}. Past it the image fails
     * with that reason and the batch goes on: on {@code cpu} its worker process is killed and
     * replaced (the other images that process ran go back to the queue, not failed); on {@code
     * cpu-threads} its thread is interrupted and abandoned, and another takes its place while it is
     * still busy (a decode inside native code cannot be interrupted: it runs to its end, its result
     * unused); on a GPU backend the image fails and the device's work on it finishes unused.
     *
     * @throws IllegalArgumentException a limit that is zero or negative
     */
    public Thumbnailer timeout(java.time.Duration timeout) {
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("timeout must be positive (null for none), not " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * The most fetches at once (64 by default): a cap, since the batch keeps only as many in flight as
     * hide the fetch latency at the rate the backend consumes images, and bodies within the memory budget.
     */
    public Thumbnailer ioConcurrency(int n) {
        if (n < 1) throw new IllegalArgumentException("io-concurrency must be >= 1");
        this.ioConcurrency = n;
        return this;
    }

    /** Called once per input as it finishes (from any thread). */
    public Thumbnailer onItem(Consumer<Item> listener) {
        this.onItem = Objects.requireNonNull(listener);
        return this;
    }

    /**
     * Called once per run with the number of inputs, when they have been listed (directories walked,
     * lists read) and before the first one is processed; each then finishes through {@link #onItem}.
     */
    public Thumbnailer onListed(java.util.function.IntConsumer listener) {
        this.onListed = Objects.requireNonNull(listener);
        return this;
    }

    /**
     * Also write a Chrome trace-event JSON timeline of every stage of every image to {@code file}
     * (open it in Perfetto, ui.perfetto.dev, or chrome://tracing); null (the default) for none. When it
     * cannot be written, the run throws {@link TraceWriteException}, which holds the batch's report.
     */
    public Thumbnailer trace(Path file) {
        this.trace = file;
        return this;
    }

    /** Where {@code @-} reads its list of inputs, and {@code -} its image (standard input by default). */
    public Thumbnailer stdin(InputStream in) {
        this.stdin = Objects.requireNonNull(in);
        return this;
    }

    /** The spec every image of a run gets. */
    public ThumbnailSpec spec() {
        return new ThumbnailSpec(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient,
                progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed);
    }

    /** Thumbnails every image found in {@code inputs} (files and directories) into {@code outDir}. */
    public BatchReport run(List<Path> inputs, Path outDir) {
        List<String> args = new ArrayList<>(inputs.size());
        for (Path p : inputs) args.add(p.toString());
        return runInputs(args, outDir);
    }

    /**
     * As {@link #run}, with inputs as the command line takes them: paths, http(s) URLs, {@code @FILE} lists,
     * {@code -} for one image from {@link #stdin}.
     */
    public BatchReport runInputs(List<String> inputs, Path outDir) {
        OutputNames.refuseInputDirectory(inputs, outDir);
        return runInputs(inputs, new OutputNames(outDir, sizes, format));
    }

    /**
     * As {@link #runInputs(List, Path)}, with outputs named by a template ({@code thumbs/tn_%s.jpg},
     * {@code {name}_{size}.{ext}}; see {@link OutputNames#template}) instead of placed in a directory.
     *
     * @throws IllegalArgumentException a template {@link OutputNames#template} refuses
     */
    public BatchReport runTemplate(List<String> inputs, String template) {
        return runInputs(inputs, OutputNames.template(template, sizes, format));
    }

    private BatchReport runInputs(List<String> inputs, OutputNames names) {
        List<Input> found = new InputScanner(names.root(), stdin).scan(inputs);
        onListed.accept(found.size());
        // The images that can run at all bound the engine's workers: never more worker JVMs than images.
        int runnable = (int) found.stream().filter(i -> i.error() == null).count();
        ThumbnailEngine engine = BatchEngines.limited(BatchEngines.stoppedOr(pool, Math.max(1, runnable)), timeout);
        int inFlight = Math.max(4, pool.workers() * 4);
        StageTimes stages = new StageTimes(trace != null);
        // Read after the engine exists: a cpu pool whose worker processes cannot start runs on threads and says so.
        // One budget for the machine (dev.gpupool.cpu.MachineBudget): the host's part holds the fetched
        // bodies; what the workers would have is the most this JVM decodes at once when it decodes itself.
        long budget = dev.gpupool.cpu.MachineBudget.total();
        MemoryBudget.limit(dev.gpupool.cpu.MachineBudget.forWorkers(budget));
        long bodyBytes = dev.gpupool.cpu.MachineBudget.divide(budget, 0).bodies();
        BatchReport report = new BatchRunner(engine, pool.backend(), pool.device(), spec(), overwrite, inFlight, ioConcurrency,
                bodyBytes, onItem).stopWhen(pool::interruption).run(found, names, stages);
        if (trace != null) {
            try {
                TraceWriter.write(trace, stages.traced());
            } catch (java.io.IOException e) {
                throw new TraceWriteException("cannot write the trace to " + trace + ": " + Errors.reason(e), e, report);
            }
        }
        return report;
    }

    /**
     * One image's bytes in, each size's encoded bytes out, in memory: the batch's job without files
     * (decoded shrunk on load, fitted, resized on the pool's backend, encoded with this thumbnailer's
     * format, quality and background), so each thumbnail's bytes are those a batch would write. The
     * decode and encode run on the calling thread; the resize on the pool's backend (its device for a
     * GPU pool, the CPU resize in this process for the {@code cpu} and {@code cpu-threads} pools). Many
     * threads may call it at once on one thumbnailer that is no longer being configured.
     *
     * @throws ThumbnailException the image cannot be thumbnailed; the message is the one-line reason a
     *                            batch gives for it ({@code not a recognised image format ...}, {@code corrupt jpeg: ...})
     */
    public ThumbnailSet thumbnail(byte[] image) throws ThumbnailException {
        Objects.requireNonNull(image, "image");
        MemoryJob.Result r;
        try {
            r = MemoryJob.render(image, spec(), null, pool.runtime()::resize);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ThumbnailException(Errors.reason(e), e);
        }
        List<Thumbnail> out = new ArrayList<>(r.outputs().size());
        for (MemoryJob.Output o : r.outputs()) {
            out.add(new Thumbnail(o.box().toString(), o.width(), o.height(), Format.of(o.format()), o.bytes()));
        }
        return new ThumbnailSet(r.inputFormat(), r.inputWidth(), r.inputHeight(), out, r.warnings());
    }

    /**
     * As {@link #thumbnail(byte[])}, reading the image from {@code in} to its end (not closed here).
     *
     * @throws ThumbnailException the image cannot be thumbnailed, or is larger than the memory budget allows
     * @throws IOException        reading {@code in} failed
     */
    public ThumbnailSet thumbnail(InputStream in) throws IOException {
        long limit = Math.min(Integer.MAX_VALUE - 64L, MemoryBudget.capacity());
        byte[] bytes = in.readNBytes((int) limit + 1);
        if (bytes.length > limit) throw new ThumbnailException("file too large (over " + limit + " bytes)", null);
        return thumbnail(bytes);
    }

    /** {@code image} fitted into the first size, in memory. */
    public BufferedImage resize(BufferedImage image) {
        return BufferedImages.toImage(resize(BufferedImages.toPixels(image)));
    }

    /** {@code pixels} fitted into the first size (and sharpened when {@link #sharpen(String)} is on), in memory. */
    public PixelBuffer resize(PixelBuffer pixels) {
        BoxSize box = sizes.getFirst();
        FitPlan plan = FitPlan.of(pixels.width(), pixels.height(), box.width(), box.height(), fit, upscale);
        if (fit == Fit.COVER && box.width() > 0 && box.height() > 0) plan = SmartCrop.apply(plan, crop, pixels, 1.0);
        return Sharpen.apply(sharpen, pool.runtime().resize(pixels, plan.weightsX(filter, pixels.width()), plan.weightsY(filter, pixels.height())));
    }
}
