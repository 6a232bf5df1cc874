package dev.gpupool.codec;

/**
 * How to encode.
 *
 * @param format     the output format
 * @param quality    1..100 (JPEG and lossy WebP)
 * @param background 0xRRGGBB that alpha is flattened onto when the format has no alpha (JPEG)
 */
public record EncodeOptions(OutputFormat format, int quality, int background) {
    public EncodeOptions {
        if (quality < 1 || quality > 100) throw new IllegalArgumentException("quality must be 1..100, not " + quality);
    }
}
