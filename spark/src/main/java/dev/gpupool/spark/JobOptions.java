package dev.gpupool.spark;

import dev.gpupool.Backend;
import dev.gpupool.cli.ThumbnailOptions;
import dev.gpupool.codec.DecodeOptions;
import dev.gpupool.image.Crop;
import dev.gpupool.image.Sharpen;
import dev.gpupool.codec.EncodeOptions;
import dev.gpupool.job.ThumbnailSpec;

import java.io.Serializable;
import java.util.List;

/**
 * The options of a thumbnail job, as plain values that travel to executors (a {@link ThumbnailSpec} is
 * not serialisable; {@link #spec()} rebuilds it there with {@link ThumbnailOptions#spec(List, String, String, String,
 * int, boolean, boolean, int, long, boolean, boolean, String, boolean)}, the CLI's own translation). Build one with {@link #defaults()} and the
 * withers, or from a command line's {@link ThumbnailOptions} with {@link #of}.
 *
 * @param sizes     bounding boxes as the CLI writes them ({@code 256}, {@code 320x240}, {@code 256x}, {@code x256})
 * @param format    {@code jpg}, {@code png}, {@code webp} or {@code same}
 * @param backend   {@code auto}, {@code cuda}, {@code opencl}, {@code cpu} or {@code cpu-threads}
 * @param workers   threads of each executor's pool; 0: the executor's cores
 * @param device    the device index when Spark assigned the executor no GPU
 * @param progressive JPEG outputs progressive ({@code --progressive})
 * @param subsample   JPEG chroma subsampling: {@code 420}, {@code 422}, {@code 444} or {@code auto} ({@code --subsample})
 * @param lossless    WebP outputs lossless ({@code --lossless})
 * @param keepMetadata {@code --keep-metadata}: keep EXIF (made upright), XMP and IPTC
 * @param keepIcc   {@code --keep-icc}: keep the source's ICC profile instead of converting to sRGB
 * @param crop      {@code --crop}: {@code centre} (null: centre), {@code entropy} or {@code attention}
 * @param sharpen   {@code --sharpen}: {@code SIGMA,AMOUNT,THRESHOLD} as {@link Sharpen#parse} reads it, null: off
 * @param avifSpeed {@code --avif-speed}: 0..10
 * @param timeoutMillis {@code --timeout} in milliseconds, 0 for none: the most one item (its fetch or read, its
 *                  thumbnails, its writes) may take on an executor before it is reported failed
 */
public record JobOptions(List<String> sizes, String fit, String filter, String format, int quality, boolean upscale,
                         boolean autoRotate, int background, long maxPixels, boolean lenient, boolean overwrite,
                         String backend, int workers, int device, boolean progressive, String subsample,
                         boolean lossless, boolean keepMetadata, boolean keepIcc, String crop, String sharpen,
                         int avifSpeed, long timeoutMillis) implements Serializable {
    /** The CLI's default time limit per item ({@code --timeout 120}). */
    public JobOptions(List<String> sizes, String fit, String filter, String format, int quality, boolean upscale,
                      boolean autoRotate, int background, long maxPixels, boolean lenient, boolean overwrite,
                      String backend, int workers, int device, boolean progressive, String subsample,
                      boolean lossless, boolean keepMetadata, boolean keepIcc, String crop, String sharpen, int avifSpeed) {
        this(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, overwrite, backend, workers,
                device, progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed,
                dev.gpupool.thumbnail.Thumbnailer.DEFAULT_TIMEOUT.toMillis());
    }

    /** No sharpening, AVIF at the default speed. */
    public JobOptions(List<String> sizes, String fit, String filter, String format, int quality, boolean upscale,
                      boolean autoRotate, int background, long maxPixels, boolean lenient, boolean overwrite,
                      String backend, int workers, int device, boolean progressive, String subsample,
                      boolean lossless, boolean keepMetadata, boolean keepIcc, String crop) {
        this(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, overwrite, backend, workers,
                device, progressive, subsample, lossless, keepMetadata, keepIcc, crop, null, EncodeOptions.DEFAULT_AVIF_SPEED);
    }

    /** The crop {@code centre}. */
    public JobOptions(List<String> sizes, String fit, String filter, String format, int quality, boolean upscale,
                      boolean autoRotate, int background, long maxPixels, boolean lenient, boolean overwrite,
                      String backend, int workers, int device, boolean progressive, String subsample,
                      boolean lossless, boolean keepMetadata, boolean keepIcc) {
        this(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, overwrite, backend, workers,
                device, progressive, subsample, lossless, keepMetadata, keepIcc, "centre");
    }

    /** Baseline JPEG, chroma subsampling {@code auto}, lossy WebP, metadata stripped. */
    public JobOptions(List<String> sizes, String fit, String filter, String format, int quality, boolean upscale,
                      boolean autoRotate, int background, long maxPixels, boolean lenient, boolean overwrite,
                      String backend, int workers, int device) {
        this(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, overwrite, backend, workers,
                device, false, "auto", false, false, false, "centre");
    }

    public JobOptions {
        sizes = List.copyOf(sizes);
        if (crop == null) crop = "centre";
        Crop.parse(crop);
        if (sharpen != null) Sharpen.parse(sharpen);
        if (avifSpeed < 0 || avifSpeed > 10) throw new IllegalArgumentException("--avif-speed must be 0..10, not " + avifSpeed);
        ThumbnailOptions.spec(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient,
                progressive, subsample, lossless); // fail early
        Backend.parse(backend);
        if (workers < 0) throw new IllegalArgumentException("--workers must be >= 1");
        if (device < 0) throw new IllegalArgumentException("--device must be >= 0");
        if (timeoutMillis < 0) throw new IllegalArgumentException("--timeout must be 0 (none) or a number of seconds");
    }

    /** The CLI's defaults: 256, contain, lanczos3, jpg at 85, rotate, white, auto backend. */
    public static JobOptions defaults() {
        return new JobOptions(List.of("256"), "contain", "lanczos3", "jpg", 85, false, true, 0xFFFFFF,
                DecodeOptions.DEFAULT_MAX_PIXELS, false, false, "auto", 0, 0);
    }

    /** The command line's options ({@link ThumbnailOptions#validate() valid} ones; no workers given: 0). */
    public static JobOptions of(ThumbnailOptions o) {
        return new JobOptions(o.sizes(), o.fit(), o.filter(), o.format(), o.quality(), o.upscale(), o.autoRotate(), o.background(),
                o.maxPixels(), o.lenient(), o.overwrite(), o.backendName(), o.workers() == null ? 0 : o.workers(), o.device(),
                o.progressive(), o.subsample(), o.lossless(), o.keepMetadata(), o.keepIcc(), o.crop(),
                o.sharpenSpec() == null ? null : o.sharpenSpec().toString(), o.avifSpeed()).withTimeout(o.timeout());
    }

    /** This job with another time limit per item ({@code null}: none). */
    public JobOptions withTimeout(java.time.Duration timeout) {
        return new JobOptions(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, overwrite,
                backend, workers, device, progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed,
                timeout == null ? 0 : timeout.toMillis());
    }

    /** {@link #timeoutMillis} as the pool's limit: null for none. */
    public java.time.Duration timeout() {
        return timeoutMillis == 0 ? null : java.time.Duration.ofMillis(timeoutMillis);
    }

    public JobOptions withSizes(String... s) {
        return new JobOptions(List.of(s), fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, overwrite, backend, workers, device, progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed, timeoutMillis);
    }

    public JobOptions withFormat(String f) {
        return new JobOptions(sizes, fit, filter, f, quality, upscale, autoRotate, background, maxPixels, lenient, overwrite, backend, workers, device, progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed, timeoutMillis);
    }

    public JobOptions withBackend(String b) {
        return new JobOptions(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, overwrite, b, workers, device, progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed, timeoutMillis);
    }

    public JobOptions withOverwrite(boolean o) {
        return new JobOptions(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, o, backend, workers, device, progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed, timeoutMillis);
    }

    /** The JPEG and WebP encoding choices, as {@code --progressive}, {@code --subsample} and {@code --lossless}. */
    public JobOptions withEncoding(boolean progressive, String subsample, boolean lossless) {
        return new JobOptions(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, overwrite, backend,
                workers, device, progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed, timeoutMillis);
    }

    /** This job with another metadata policy ({@code false, false}: strip). */
    public JobOptions withMetadata(boolean keepMetadata, boolean keepIcc) {
        return new JobOptions(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, overwrite,
                backend, workers, device, progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed, timeoutMillis);
    }

    /** {@code --crop}: {@code centre}, {@code entropy} or {@code attention}. */
    public JobOptions withCrop(String crop) {
        return new JobOptions(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, overwrite,
                backend, workers, device, progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed, timeoutMillis);
    }

    public ThumbnailSpec spec() {
        return ThumbnailOptions.spec(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient,
                progressive, subsample, lossless).withMetadata(keepMetadata, keepIcc).withCrop(Crop.parse(crop))
                .withSharpen(sharpen == null ? null : Sharpen.parse(sharpen)).withAvifSpeed(avifSpeed);
    }

    public Backend backendChoice() {
        return Backend.parse(backend);
    }
}
