package dev.gpupool.cli;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.codec.DecodeOptions;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.codec.Subsample;
import dev.gpupool.image.Crop;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.job.BoxSize;
import dev.gpupool.job.ThumbnailSpec;
import dev.gpupool.thumbnail.Thumbnailer;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code gpupool thumbnails} that say what to make of every image and where to run it, as
 * a picocli mixin ({@code @Mixin ThumbnailOptions thumbnail;}), shared by every command that thumbnails a
 * batch ({@code gpupool thumbnails}, {@code gpupool spark}) so that they have the same names, defaults and
 * checks: {@code -s/--size}, {@code --fit}, {@code --filter}, {@code -f/--format}, {@code -q/--quality},
 * {@code --upscale}, {@code --no-rotate}, {@code --background}, {@code --backend}, {@code --device},
 * {@code -j/--workers}, {@code --io-concurrency}, {@code --memory-budget}, {@code --progressive}, {@code --subsample}, {@code --lossless},
 * {@code --overwrite}, {@code --max-pixels}, {@code --lenient}, {@code --timeout}, {@code --strip}, {@code --keep-metadata}, {@code --keep-icc},
 * {@code --crop}, {@code --sharpen}, {@code --avif-speed}.
 *
 * <p>Picocli only parses; {@link #validate()} (which {@link #spec()} and {@link #thumbnailer} call first)
 * checks the values, in this order, and throws {@link IllegalArgumentException} with the message a user
 * sees after {@code gpupool thumbnails:} (a command turns it into a usage error, exit status 2): each size
 * ({@link BoxSize#parse}), the backend ({@link Backend#parse}), quality 1..100, max-pixels &gt;= 1,
 * io-concurrency &gt;= 1, memory-budget a size of at least 512 MiB when given, workers &gt;= 1 when given, device &gt;= 0, the background (hex {@code RRGGBB}
 * or CSS's {@code RGB}, an optional leading {@code #}), the format ({@code same} or {@link OutputFormat#parse}), the fit
 * ({@link Fit#parse}), the filter ({@link Filter#parse}), the subsampling ({@link Subsample#parse}), the
 * crop ({@link Crop#parse}), the sharpening ({@link dev.gpupool.image.Sharpen#parse}), avif-speed 0..10 and the
 * timeout (0, none, or seconds); with {@code --upscale} and a fit other than contain (every output exactly the
 * box), no two-sided size over {@code --max-pixels} pixels.
 *
 * <p>Option order in usage help: these options carry {@code order} 10 to 45 (size .. memory-budget are
 * 10..22, progressive, subsample, lossless 25..27, overwrite, max-pixels, lenient, timeout are 30..33, strip, keep-metadata, keep-icc, crop 40..43, sharpen, avif-speed 44..45), so a command with {@code sortOptions = false} places
 * its own options around them with its own {@code order}s. A command may reword an option's description
 * (not its meaning) with a resource bundle whose key is the option's long name without dashes.
 */
public final class ThumbnailOptions {
    @Option(names = {"-s", "--size"}, order = 10, paramLabel = "SIZE", split = ",", splitSynopsisLabel = ",",
            description = "Bounding box: N (NxN), WxH, Wx (width only, any height) or xH (height only, any width); "
                    + "with a free side every --fit bounds the given side only, aspect kept. Several, comma-separated, "
                    + "each make an output from one decode, named NAME_SIZE.EXT (e.g. -s 128,256x,x64: a_128.jpg, "
                    + "a_256x.jpg, a_x64.jpg) (default: 256).")
    List<String> sizes = List.of("256");

    @Option(names = "--fit", order = 11, paramLabel = "MODE", description = "contain (fit inside the box), cover (fill it, crop the overflow) "
            + "or fill (stretch), e.g. -s 200x100 --fit cover (default: contain).")
    String fit = "contain";

    @Option(names = "--crop", order = 43, paramLabel = "MODE", description = "Which part --fit cover keeps: centre, "
            + "entropy (trim the plainer edge until it fits) or attention (the most edges, skin tones and colour), "
            + "e.g. --fit cover --crop attention; ignored by contain, fill and one-sided sizes (default: centre).")
    String crop = "centre";

    @Option(names = "--filter", order = 12, paramLabel = "F", description = "lanczos3, mitchell, triangle or box, e.g. --filter mitchell "
            + "(default: lanczos3).")
    String filter = "lanczos3";

    @Option(names = {"-f", "--format"}, order = 13, paramLabel = "FMT", description = "jpg, png, webp, avif or same (the input's: "
            + "JPEG and WebP stay, the rest become PNG), e.g. -f webp (default: jpg).")
    String format = "jpg";

    @Option(names = {"-q", "--quality"}, order = 14, paramLabel = "1..100", description = "JPEG, lossy WebP and AVIF quality, "
            + "higher is larger and closer to the source: JPEG on libjpeg's scale, WebP on libwebp's (calibrated to look "
            + "alike, not identical), AVIF as libavif's quantizer (100-Q)*63/100; e.g. -q 90 (default: 85).")
    int quality = 85;

    @Option(names = "--progressive", order = 25, description = "Progressive JPEG (coarse image first, then refined; "
            + "optimised Huffman tables, usually smaller), e.g. -f jpg --progressive (default: baseline).")
    boolean progressive;

    @Option(names = "--subsample", order = 26, paramLabel = "MODE", description = "JPEG chroma subsampling: 420, 422, 444, "
            + "or auto = 444 at quality >= 90 else 420 (as libvips), e.g. --subsample 444 (default: auto).")
    String subsample = "auto";

    @Option(names = "--lossless", order = 27, description = "Lossless WebP: every pixel kept, --quality not used, "
            + "e.g. -f webp --lossless (default: lossy).")
    boolean lossless;

    @Option(names = "--upscale", order = 15, description = "Allow enlarging images smaller than the box, e.g. -s 1024 --upscale.")
    boolean upscale;

    @Option(names = "--no-rotate", order = 16, description = "Keep pixels as stored (ignore EXIF orientation), e.g. --no-rotate.")
    boolean noRotate;

    @Option(names = "--background", order = 17, paramLabel = "RRGGBB", description = "Colour alpha is flattened onto in JPEG: RRGGBB or RGB (fff = ffffff), hex, "
            + "e.g. --background 000 (default: ffffff).")
    String background = "ffffff";

    @Option(names = "--backend", order = 18, paramLabel = "B", description = "auto, cuda, opencl, cpu or cpu-threads, e.g. --backend cpu "
            + "(default: auto: CUDA, else an OpenCL GPU, else cpu).")
    String backend = "auto";

    @Option(names = "--device", order = 19, paramLabel = "N", description = "Which device of the backend (gpupool devices lists them), "
            + "e.g. --backend cuda --device 1 (default: 0).")
    int device;

    @Option(names = {"-j", "--workers"}, order = 20, paramLabel = "N", description = "Worker processes or threads, e.g. -j 4 (default: cores).")
    Integer workers;

    @Option(names = "--io-concurrency", order = 21, paramLabel = "N",
            description = "Most fetches at once; fewer run when fewer hide the latency or the memory budget is short, "
                    + "e.g. --io-concurrency 16 (default: 64).")
    int ioConcurrency = 64;

    @Option(names = "--memory-budget", order = 22, paramLabel = "SIZE",
            description = "Memory for this run, host and workers together, e.g. 4g or 512m (default: a quarter of the memory available).")
    String memoryBudget;

    @Option(names = "--overwrite", order = 30, description = "Redo outputs that are already up to date, e.g. --overwrite.")
    boolean overwrite;

    @Option(names = "--max-pixels", order = 31, paramLabel = "N", description = "Refuse larger images before decoding, e.g. --max-pixels 50000000 "
            + "(default: 178956970).")
    long maxPixels = DecodeOptions.DEFAULT_MAX_PIXELS;

    @Option(names = "--lenient", order = 32, description = "Keep what decodes of truncated or corrupt images (with a warning), "
            + "e.g. --lenient.")
    boolean lenient;

    @Option(names = "--timeout", order = 33, paramLabel = "SECONDS", description = "Per-image time limit, counted from when "
            + "a worker takes the image: past it the image fails with that reason, its worker is replaced, and the batch goes on; "
            + "0 for none (default: 120), e.g. --timeout 30.")
    double timeout = dev.gpupool.thumbnail.Thumbnailer.DEFAULT_TIMEOUT.toSeconds();

    @Option(names = "--strip", order = 40, description = "Write no metadata, convert colour to sRGB (the default: smallest files), "
            + "e.g. --strip.")
    boolean strip;

    @Option(names = "--keep-metadata", order = 41, description = "Keep EXIF (orientation reset to 1, embedded thumbnail dropped), "
            + "XMP and IPTC (IPTC in JPEG only), e.g. --keep-metadata.")
    boolean keepMetadata;

    @Option(names = "--keep-icc", order = 42, description = "Keep the source's ICC profile, colours unconverted, instead of "
            + "converting to sRGB (wide-gamut photos), e.g. --keep-icc.")
    boolean keepIcc;

    @Option(names = "--sharpen", order = 44, arity = "0..1", paramLabel = "SIGMA[,AMOUNT[,THRESHOLD]]",
            preprocessor = AttachedValueOnly.class,
            description = "Sharpen after downscaling with an unsharp mask (libvips's mild thumbnail sharpening): "
                    + "out = in + AMOUNT * (in - gaussian blur of SIGMA px) where |in - blur| >= THRESHOLD levels of 255; "
                    + "--sharpen alone uses 0.5,1,5; a value must be attached with '=', e.g. --sharpen=0.8,1.5,3 "
                    + "(default: off).")
    String sharpen;

    @Option(names = "--avif-speed", order = 45, paramLabel = "0..10", description = "AVIF encoder speed: 0 slowest and "
            + "smallest .. 10 fastest, e.g. -f avif --avif-speed 8 (default: " + dev.gpupool.codec.EncodeOptions.DEFAULT_AVIF_SPEED + ").")
    int avifSpeed = dev.gpupool.codec.EncodeOptions.DEFAULT_AVIF_SPEED;

    /**
     * {@code --sharpen} takes its value only when attached ({@code --sharpen=0.8}): {@code --sharpen photo.jpg}
     * is the defaults and an input, never a sharpen value {@code photo.jpg}.
     */
    static final class AttachedValueOnly implements picocli.CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(java.util.Stack<String> args, picocli.CommandLine.Model.CommandSpec commandSpec,
                                  picocli.CommandLine.Model.ArgSpec argSpec, java.util.Map<String, Object> info) {
            if (" ".equals(info.get("separator"))) args.push(""); // not attached: as if --sharpen= (the defaults)
            return false;
        }
    }

    /**
     * Checks every option (see the class comment for the order and the messages).
     *
     * @throws IllegalArgumentException the first option that is wrong, with a message naming it
     */
    public void validate() {
        for (String s : sizes) BoxSize.parse(s);
        Backend.parse(backend);
        if (quality < 1 || quality > 100) throw new IllegalArgumentException("--quality must be 1..100, not " + quality);
        if (maxPixels < 1) throw new IllegalArgumentException("--max-pixels must be positive");
        if (ioConcurrency < 1) throw new IllegalArgumentException("--io-concurrency must be >= 1");
        if (workers != null && workers < 1) throw new IllegalArgumentException("--workers must be >= 1");
        if (device < 0) throw new IllegalArgumentException("--device must be >= 0");
        memoryBudgetBytes();
        background();
        parseFormat(format);
        Fit.parse(fit);
        Filter.parse(filter);
        Subsample.parse(subsample);
        Crop.parse(crop);
        if (sharpen != null) sharpenSpec();
        if (avifSpeed < 0 || avifSpeed > 10) throw new IllegalArgumentException("--avif-speed must be 0..10, not " + avifSpeed);
        if (!(timeout >= 0 && timeout <= 1e9)) {
            String given = Double.isFinite(timeout) && timeout == Math.rint(timeout) ? Long.toString((long) timeout) : Double.toString(timeout);
            throw new IllegalArgumentException("--timeout must be 0 (none) or a number of seconds, not " + given);
        }
        if (upscale && Fit.parse(fit) != Fit.CONTAIN) {
            // Enlarged to cover or fill, every output is exactly the box: one over the limit can never be made.
            for (String s : sizes) {
                BoxSize b = BoxSize.parse(s);
                long limit = Math.min(maxPixels, dev.gpupool.image.FitPlan.MAX_OUTPUT_PIXELS);
                if (!b.oneSided() && (long) b.width() * b.height() > limit) {
                    throw new IllegalArgumentException("-s " + s + " with --upscale --fit " + fit + " makes " + (long) b.width() * b.height()
                            + "-pixel outputs, over the limit of " + limit + " (--max-pixels): give a smaller size");
                }
            }
        }
        if (strip && (keepMetadata || keepIcc)) {
            throw new IllegalArgumentException("--strip cannot be combined with " + (keepMetadata ? "--keep-metadata" : "--keep-icc"));
        }
    }

    /** What {@link #validate() valid} options make of every image. */
    public ThumbnailSpec spec() {
        validate();
        return spec(sizes, fit, filter, format, quality, upscale, !noRotate, background(), maxPixels, lenient,
                progressive, subsample, lossless).withMetadata(keepMetadata, keepIcc).withCrop(Crop.parse(crop))
                .withSharpen(sharpenSpec()).withAvifSpeed(avifSpeed);
    }

    /** {@code --sharpen} parsed, or null when not given. @throws IllegalArgumentException a value that does not parse */
    public dev.gpupool.image.Sharpen sharpenSpec() {
        if (sharpen == null) return null;
        try {
            return dev.gpupool.image.Sharpen.parse(sharpen);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m.startsWith("--sharpen") ? m : "--sharpen: " + m, e);
        }
    }

    /**
     * The one translation of thumbnail options, as the command line writes them, into a spec; no other
     * checks than the parsers' and {@link ThumbnailSpec}'s own (for values that did not come through
     * {@link #validate()}, e.g. rebuilt on a Spark executor).
     *
     * @param sizes      {@code N}, {@code WxH}, {@code Wx} or {@code xH} each, at least one
     * @param format     {@code jpg}, {@code png}, {@code webp} ({@link OutputFormat#parse}) or {@code same}
     *                   (any case: {@link ThumbnailSpec#format()} null)
     * @param background 0xRRGGBB; higher bits are ignored
     * @throws IllegalArgumentException a value that does not parse
     */
    public static ThumbnailSpec spec(List<String> sizes, String fit, String filter, String format, int quality, boolean upscale,
                                     boolean autoRotate, int background, long maxPixels, boolean lenient) {
        return spec(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, false, "auto", false);
    }

    /**
     * As above, with the encoding choices.
     *
     * @param subsample {@code 420}, {@code 422}, {@code 444} or {@code auto} ({@link Subsample#parse})
     */
    public static ThumbnailSpec spec(List<String> sizes, String fit, String filter, String format, int quality, boolean upscale,
                                     boolean autoRotate, int background, long maxPixels, boolean lenient,
                                     boolean progressive, String subsample, boolean lossless) {
        List<BoxSize> boxes = new ArrayList<>();
        for (String s : sizes) boxes.add(BoxSize.parse(s));
        return new ThumbnailSpec(boxes, Fit.parse(fit), Filter.parse(filter), parseFormat(format), quality, upscale, autoRotate,
                background & 0xFFFFFF, maxPixels, lenient, progressive, Subsample.parse(subsample), lossless);
    }

    /** {@link #spec(List, String, String, String, int, boolean, boolean, int, long, boolean)} with the metadata policy. */
    public static ThumbnailSpec spec(List<String> sizes, String fit, String filter, String format, int quality, boolean upscale,
                                     boolean autoRotate, int background, long maxPixels, boolean lenient,
                                     boolean keepMetadata, boolean keepIcc) {
        return spec(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient)
                .withMetadata(keepMetadata, keepIcc);
    }

    private static OutputFormat parseFormat(String format) {
        return format.equalsIgnoreCase("same") ? null : OutputFormat.parse(format);
    }

    /**
     * A pool on the chosen backend and device, with {@code --workers} workers when given (else the
     * backend's default); the caller closes it.
     */
    public Pool openPool() {
        validate();
        long budget = memoryBudgetBytes();
        if (budget > 0) dev.gpupool.cpu.MachineBudget.configure(budget); // before the workers are shaped by it
        Pool.Builder pb = Pool.builder().backend(backend()).device(device);
        if (workers != null) pb.workers(workers);
        return pb.open();
    }

    /**
     * A thumbnailer on {@code pool} configured with every option here (sizes, fit, filter, format, quality,
     * upscale, rotation, background, max-pixels, lenient, overwrite, io-concurrency, the encoding choices, the metadata
     * policy, crop, sharpen, avif-speed); anything else
     * (trace, progress) is the caller's to add.
     */
    public Thumbnailer thumbnailer(Pool pool) {
        ThumbnailSpec s = spec();
        return Thumbnailer.on(pool).sizes(s.sizes()).fit(s.fit()).filter(s.filter()).format(s.format()).quality(s.quality())
                .upscale(s.upscale()).autoRotate(s.autoRotate()).background(s.background()).maxPixels(s.maxPixels())
                .lenient(s.lenient()).progressive(s.progressive()).subsample(s.subsample().toString()).lossless(s.lossless())
                .overwrite(overwrite).ioConcurrency(ioConcurrency)
                .keepMetadata(s.keepMetadata()).keepIcc(s.keepIcc()).crop(s.crop().cliName())
                .sharpen(s.sharpen()).avifSpeed(s.avifSpeed()).timeout(timeout());
    }

    /** {@code --timeout} as a limit: null for none ({@code 0}). */
    public java.time.Duration timeout() {
        return timeout == 0 ? null : java.time.Duration.ofMillis(Math.max(1, Math.round(timeout * 1000)));
    }

    /** {@code -s/--size} as given, e.g. {@code [256]} or {@code [64, 100x50]}. */
    public List<String> sizes() {
        return List.copyOf(sizes);
    }

    /** {@code --fit} as given. */
    public String fit() {
        return fit;
    }

    /** {@code --crop} as given. */
    public String crop() {
        return crop;
    }

    /** {@code --filter} as given. */
    public String filter() {
        return filter;
    }

    /** {@code -f/--format} as given ({@code same} included). */
    public String format() {
        return format;
    }

    public int quality() {
        return quality;
    }

    public boolean upscale() {
        return upscale;
    }

    /** Not {@code --no-rotate}. */
    public boolean autoRotate() {
        return !noRotate;
    }

    /**
     * {@code --background} as 0xRRGGBB: six hex digits {@code RRGGBB}, or three {@code RGB} read as CSS
     * reads them ({@code fff} is {@code ffffff}, {@code 08f} is {@code 0088ff}), either with an optional
     * leading {@code #}.
     *
     * @throws IllegalArgumentException anything else: "--background must be a hex colour like ffffff or fff, not '...'"
     */
    public int background() {
        String hex = background.startsWith("#") ? background.substring(1) : background;
        if (!hex.matches("[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6}")) {
            throw new IllegalArgumentException("--background must be a hex colour like ffffff or fff, not '" + background + "'");
        }
        if (hex.length() == 3) { // as CSS: #rgb is #rrggbb
            hex = "" + hex.charAt(0) + hex.charAt(0) + hex.charAt(1) + hex.charAt(1) + hex.charAt(2) + hex.charAt(2);
        }
        return Integer.parseInt(hex, 16);
    }

    /** {@code --backend} as given ({@code auto}, {@code cuda}, ...). */
    public String backendName() {
        return backend;
    }

    /** {@code --backend} parsed. @throws IllegalArgumentException an unknown backend */
    public Backend backend() {
        return Backend.parse(backend);
    }

    public int device() {
        return device;
    }

    /** {@code --memory-budget} in bytes, or 0 when not given; IllegalArgumentException naming the option when wrong. */
    long memoryBudgetBytes() {
        if (memoryBudget == null) return 0;
        try {
            long b = dev.gpupool.cpu.MachineBudget.parse(memoryBudget);
            if (b < dev.gpupool.cpu.MachineBudget.MIN_TOTAL) {
                throw new IllegalArgumentException("too small: at least " + dev.gpupool.cpu.MachineBudget.format(dev.gpupool.cpu.MachineBudget.MIN_TOTAL));
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--memory-budget " + memoryBudget + ": " + e.getMessage());
        }
    }

    /** {@code -j/--workers}, or null when not given (the backend's or executor's default). */
    public Integer workers() {
        return workers;
    }

    public int ioConcurrency() {
        return ioConcurrency;
    }

    public boolean overwrite() {
        return overwrite;
    }

    public long maxPixels() {
        return maxPixels;
    }

    public boolean lenient() {
        return lenient;
    }

    public boolean progressive() {
        return progressive;
    }

    /** {@code --subsample} as given. */
    public String subsample() {
        return subsample;
    }

    public boolean lossless() {
        return lossless;
    }

    /** {@code --keep-metadata}. */
    public boolean keepMetadata() {
        return keepMetadata;
    }

    /** {@code --sharpen} as given: null when absent, {@code ""} for the defaults, else {@code SIGMA[,AMOUNT[,THRESHOLD]]}. */
    public String sharpen() {
        return sharpen;
    }

    /** {@code --avif-speed}, 0..10. */
    public int avifSpeed() {
        return avifSpeed;
    }

    /** {@code --keep-icc}. */
    public boolean keepIcc() {
        return keepIcc;
    }
}
