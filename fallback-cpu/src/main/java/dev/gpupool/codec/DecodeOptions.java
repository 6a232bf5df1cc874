package dev.gpupool.codec;

/**
 * How to decode.
 *
 * @param minWidth    the decoded image may be shrunk on load (JPEG DCT scaling) as long as its width,
 *                    after orientation, stays at least this; 0 means full size
 * @param minHeight   the same for the height
 * @param maxPixels   images whose header declares more pixels are refused before any pixel is decoded
 * @param lenient     keep what decodes of a truncated or corrupt image (with a warning) instead of failing
 * @param autoRotate  apply the EXIF orientation
 * @param minimumSize when not null, replaces {@code minWidth}/{@code minHeight}: given the image's
 *                    upright full size (read from its header), the smallest upright size to decode to
 * @param keepMetadata read the EXIF (made upright), XMP and IPTC into {@link Decoded#metadata()}
 * @param keepIcc     leave RGB pixels in their embedded ICC profile instead of converting them to sRGB,
 *                    and hand the profile on in {@link Decoded#metadata()}
 */
public record DecodeOptions(int minWidth, int minHeight, long maxPixels, boolean lenient, boolean autoRotate,
                            MinimumSize minimumSize, boolean keepMetadata, boolean keepIcc) {
    /** Metadata stripped and colour converted to sRGB, as before metadata could be kept. */
    public DecodeOptions(int minWidth, int minHeight, long maxPixels, boolean lenient, boolean autoRotate,
                         MinimumSize minimumSize) {
        this(minWidth, minHeight, maxPixels, lenient, autoRotate, minimumSize, false, false);
    }

    /** The contract's default limit: 178956970 pixels (as libvips and Pillow). */
    public static final long DEFAULT_MAX_PIXELS = 178_956_970L;

    /** The smallest decoded size acceptable for an image of a given upright full size. */
    @FunctionalInterface
    public interface MinimumSize {
        /** {@code {width, height}}, each at most the full size. */
        int[] forFullSize(int width, int height);
    }

    /** Fixed minimums (0 for full size). */
    public DecodeOptions(int minWidth, int minHeight, long maxPixels, boolean lenient, boolean autoRotate) {
        this(minWidth, minHeight, maxPixels, lenient, autoRotate, null);
    }

    /** Full size, strict, rotated, default pixel limit. */
    public static DecodeOptions defaults() {
        return new DecodeOptions(0, 0, DEFAULT_MAX_PIXELS, false, true);
    }

    /** The minimum upright decoded size for an image whose upright full size is {@code width x height}. */
    public int[] minimumFor(int width, int height) {
        return minimumSize != null ? minimumSize.forFullSize(width, height) : new int[]{minWidth, minHeight};
    }
}
