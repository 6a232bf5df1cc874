package dev.gpupool.job;

import dev.gpupool.codec.DecodeOptions;
import dev.gpupool.codec.EncodeOptions;
import dev.gpupool.codec.Subsample;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.Crop;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.Sharpen;

import java.util.List;

/**
 * What to make of every image of a batch.
 *
 * @param sizes      one or more bounding boxes; one output per box
 * @param fit        how the image fits each box
 * @param filter     the resampling filter
 * @param format     the output format, or null for "same as the input" (PNG when the input's format cannot be written)
 * @param quality    1..100 for lossy formats
 * @param upscale    allow outputs larger than the input
 * @param autoRotate apply the EXIF orientation before fitting
 * @param background 0xRRGGBB that alpha is flattened onto for JPEG
 * @param maxPixels  refuse images declaring more pixels, before decoding
 * @param lenient    keep what decodes of a damaged image instead of failing it
 * @param progressive JPEG outputs progressive (see {@link EncodeOptions#progressive()})
 * @param subsample   JPEG chroma subsampling ({@link Subsample#AUTO}: 4:4:4 at quality &gt;= 90, else 4:2:0)
 * @param lossless    WebP outputs lossless (see {@link EncodeOptions#lossless()})
 * @param keepMetadata keep the source's EXIF (orientation reset to 1, embedded thumbnail dropped), XMP
 *                   and IPTC in the outputs (false: stripped, the default)
 * @param keepIcc    keep the source's ICC profile, pixels unconverted, instead of converting to sRGB
 * @param crop       which window {@link Fit#COVER} keeps ({@link Crop#CENTRE} by default; null means centre);
 *                   the other fits, and boxes with a free side, ignore it
 * @param sharpen    the unsharp mask applied to every output after the resize, or null for none (the default)
 * @param avifSpeed  AVIF outputs' encoder speed 0..10 ({@link EncodeOptions#avifSpeed()}; {@link EncodeOptions#DEFAULT_AVIF_SPEED} by default)
 */
public record ThumbnailSpec(List<BoxSize> sizes, Fit fit, Filter filter, OutputFormat format, int quality,
                            boolean upscale, boolean autoRotate, int background, long maxPixels, boolean lenient,
                            boolean progressive, Subsample subsample, boolean lossless, boolean keepMetadata, boolean keepIcc,
                            Crop crop, Sharpen sharpen, int avifSpeed) {
    /** With every choice but sharpening (none) and the AVIF speed ({@link EncodeOptions#DEFAULT_AVIF_SPEED}). */
    public ThumbnailSpec(List<BoxSize> sizes, Fit fit, Filter filter, OutputFormat format, int quality,
                         boolean upscale, boolean autoRotate, int background, long maxPixels, boolean lenient,
                         boolean progressive, Subsample subsample, boolean lossless, boolean keepMetadata, boolean keepIcc,
                         Crop crop) {
        this(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, progressive, subsample, lossless,
                keepMetadata, keepIcc, crop, null, EncodeOptions.DEFAULT_AVIF_SPEED);
    }

    /** With every choice but the crop, which is {@link Crop#CENTRE}. */
    public ThumbnailSpec(List<BoxSize> sizes, Fit fit, Filter filter, OutputFormat format, int quality,
                         boolean upscale, boolean autoRotate, int background, long maxPixels, boolean lenient,
                         boolean progressive, Subsample subsample, boolean lossless, boolean keepMetadata, boolean keepIcc) {
        this(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, progressive, subsample, lossless,
                keepMetadata, keepIcc, Crop.CENTRE);
    }

    /** Baseline JPEG with chroma as {@link Subsample#AUTO}, lossy WebP, metadata stripped and colour converted to sRGB. */
    public ThumbnailSpec(List<BoxSize> sizes, Fit fit, Filter filter, OutputFormat format, int quality,
                         boolean upscale, boolean autoRotate, int background, long maxPixels, boolean lenient) {
        this(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, false, Subsample.AUTO, false);
    }

    /** With the encoding choices; metadata stripped, colour converted to sRGB. */
    public ThumbnailSpec(List<BoxSize> sizes, Fit fit, Filter filter, OutputFormat format, int quality,
                         boolean upscale, boolean autoRotate, int background, long maxPixels, boolean lenient,
                         boolean progressive, Subsample subsample, boolean lossless) {
        this(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, progressive, subsample, lossless,
                false, false);
    }

    /** With a metadata policy; the default encoding choices. */
    public ThumbnailSpec(List<BoxSize> sizes, Fit fit, Filter filter, OutputFormat format, int quality,
                         boolean upscale, boolean autoRotate, int background, long maxPixels, boolean lenient,
                         boolean keepMetadata, boolean keepIcc) {
        this(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, false, Subsample.AUTO, false,
                keepMetadata, keepIcc);
    }

    /** This spec with another metadata policy. */
    public ThumbnailSpec withMetadata(boolean keepMetadata, boolean keepIcc) {
        return new ThumbnailSpec(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient,
                progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed);
    }

    /** This spec with another crop strategy (null: {@link Crop#CENTRE}). */
    public ThumbnailSpec withCrop(Crop crop) {
        return new ThumbnailSpec(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient,
                progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed);
    }

    /** This spec with another unsharp mask (null: none). */
    public ThumbnailSpec withSharpen(Sharpen sharpen) {
        return new ThumbnailSpec(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient,
                progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed);
    }

    /** This spec with another AVIF encoder speed, 0..10. */
    public ThumbnailSpec withAvifSpeed(int avifSpeed) {
        return new ThumbnailSpec(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient,
                progressive, subsample, lossless, keepMetadata, keepIcc, crop, sharpen, avifSpeed);
    }

    public ThumbnailSpec {
        if (crop == null) crop = Crop.CENTRE;
        java.util.Objects.requireNonNull(subsample, "subsample");
        sizes = List.copyOf(sizes);
        if (sizes.isEmpty()) throw new IllegalArgumentException("at least one size is needed");
        if (quality < 1 || quality > 100) throw new IllegalArgumentException("quality must be 1..100, not " + quality);
        if (maxPixels < 1) throw new IllegalArgumentException("max-pixels must be positive");
        if (avifSpeed < 0 || avifSpeed > 10) throw new IllegalArgumentException("AVIF speed must be 0..10, not " + avifSpeed);
    }

    /** The contract's defaults: 256x256, contain, lanczos3, JPEG q85, rotate, white background. */
    public static ThumbnailSpec defaults() {
        return new ThumbnailSpec(List.of(new BoxSize(256, 256)), Fit.CONTAIN, Filter.LANCZOS3, OutputFormat.JPEG, 85,
                false, true, 0xFFFFFF, DecodeOptions.DEFAULT_MAX_PIXELS, false);
    }

    /** How to encode an output of {@code format} with this spec's quality, background and encoding choices. */
    public EncodeOptions encodeOptions(OutputFormat format) {
        return new EncodeOptions(format, quality, background, progressive, subsample, lossless, avifSpeed);
    }

    /** The output format for an input whose content was detected as {@code inputFormat}. */
    public OutputFormat formatFor(String inputFormat) {
        if (format != null) return format;
        return switch (inputFormat == null ? "" : inputFormat) {
            case "jpeg", "jpg" -> OutputFormat.JPEG;
            case "webp" -> OutputFormat.WEBP;
            default -> OutputFormat.PNG;
        };
    }
}
