package dev.gpupool.codec;

/**
 * How to decode.
 *
 * @param minWidth   the decoded image may be shrunk on load (JPEG DCT scaling) as long as its width,
 *                   after orientation, stays at least this; 0 means full size
 * @param minHeight  the same for the height
 * @param maxPixels  images whose header declares more pixels are refused before any pixel is decoded
 * @param lenient    keep what decodes of a truncated or corrupt image (with a warning) instead of failing
 * @param autoRotate apply the EXIF orientation
 */
public record DecodeOptions(int minWidth, int minHeight, long maxPixels, boolean lenient, boolean autoRotate) {
    /** The contract's default limit: 178956970 pixels (as libvips and Pillow). */
    public static final long DEFAULT_MAX_PIXELS = 178_956_970L;

    /** Full size, strict, rotated, default pixel limit. */
    public static DecodeOptions defaults() {
        return new DecodeOptions(0, 0, DEFAULT_MAX_PIXELS, false, true);
    }
}
