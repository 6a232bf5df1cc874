package dev.gpupool.job;

import dev.gpupool.codec.DecodeOptions;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;

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
 * @param keepMetadata keep the source's EXIF (orientation reset to 1, embedded thumbnail dropped), XMP
 *                   and IPTC in the outputs (false: stripped, the default)
 * @param keepIcc    keep the source's ICC profile, pixels unconverted, instead of converting to sRGB
 */
public record ThumbnailSpec(List<BoxSize> sizes, Fit fit, Filter filter, OutputFormat format, int quality,
                            boolean upscale, boolean autoRotate, int background, long maxPixels, boolean lenient,
                            boolean keepMetadata, boolean keepIcc) {
    /** Metadata stripped, colour converted to sRGB (the default policy). */
    public ThumbnailSpec(List<BoxSize> sizes, Fit fit, Filter filter, OutputFormat format, int quality,
                         boolean upscale, boolean autoRotate, int background, long maxPixels, boolean lenient) {
        this(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient, false, false);
    }

    /** This spec with another metadata policy. */
    public ThumbnailSpec withMetadata(boolean keepMetadata, boolean keepIcc) {
        return new ThumbnailSpec(sizes, fit, filter, format, quality, upscale, autoRotate, background, maxPixels, lenient,
                keepMetadata, keepIcc);
    }

    public ThumbnailSpec {
        sizes = List.copyOf(sizes);
        if (sizes.isEmpty()) throw new IllegalArgumentException("at least one size is needed");
        if (quality < 1 || quality > 100) throw new IllegalArgumentException("quality must be 1..100, not " + quality);
        if (maxPixels < 1) throw new IllegalArgumentException("max-pixels must be positive");
    }

    /** The contract's defaults: 256x256, contain, lanczos3, JPEG q85, rotate, white background. */
    public static ThumbnailSpec defaults() {
        return new ThumbnailSpec(List.of(new BoxSize(256, 256)), Fit.CONTAIN, Filter.LANCZOS3, OutputFormat.JPEG, 85,
                false, true, 0xFFFFFF, DecodeOptions.DEFAULT_MAX_PIXELS, false);
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
