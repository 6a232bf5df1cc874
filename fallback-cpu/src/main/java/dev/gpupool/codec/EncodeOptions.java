package dev.gpupool.codec;

import java.util.Objects;

/**
 * How to encode.
 *
 * @param format      the output format
 * @param quality     1..100 (JPEG, lossy WebP and AVIF; see below); lossless WebP and PNG ignore it
 * @param background  0xRRGGBB that alpha is flattened onto when the format has no alpha (JPEG)
 * @param progressive JPEG: progressive scans (SOF2) instead of baseline (SOF0); libjpeg then always
 *                    computes optimal Huffman tables for it. Other formats ignore it
 * @param subsample   JPEG chroma subsampling ({@link Subsample#AUTO}: 4:4:4 at quality &gt;= 90, else
 *                    4:2:0). Other formats and grey JPEGs ignore it
 * @param lossless    WebP: lossless (libwebp's WebPEncodeLossless*, pixels kept exactly, quality ignored)
 *                    instead of lossy. Other formats ignore it (AVIF included)
 * @param avifSpeed   AVIF: the AV1 encoder's speed 0 (slowest, smallest) .. 10 (fastest); {@link #DEFAULT_AVIF_SPEED}
 *                    by default. Other formats ignore it
 *
 * <p>What quality means: for JPEG the IJG/libjpeg scale (libjpeg-turbo's {@code jpeg_set_quality}: the
 * standard's example quantisation tables scaled, 50 as given, 100 all ones); for lossy WebP libwebp's
 * {@code quality} factor 0..100 (its own quantiser scale, calibrated to look roughly like the same JPEG
 * quality, not identical bytes or error); for AVIF libavif 0.11's quantizer (it has no quality setting):
 * {@code round((100 - quality) * 63 / 100)} as both min and max quantizer, for colour and alpha alike
 * (100 gives 0, 85 gives 9, 1 gives 62). All: higher is larger and closer to the source; 85 by default.
 * AVIF's chroma follows {@code subsample} as JPEG's does (4:2:0, 4:2:2, 4:4:4; auto is 4:4:4 at quality &gt;= 90).
 */
public record EncodeOptions(OutputFormat format, int quality, int background, boolean progressive, Subsample subsample,
                            boolean lossless, int avifSpeed) {
    /**
     * libavif's {@code avifenc} default: the balance libavif itself recommends; a 256px thumbnail takes
     * tens of milliseconds at it with libaom, and 8-10 trade visibly larger files for speed.
     */
    public static final int DEFAULT_AVIF_SPEED = 6;

    public EncodeOptions {
        if (quality < 1 || quality > 100) throw new IllegalArgumentException("quality must be 1..100, not " + quality);
        Objects.requireNonNull(subsample, "subsample");
        if (avifSpeed < 0 || avifSpeed > 10) throw new IllegalArgumentException("AVIF speed must be 0..10, not " + avifSpeed);
    }

    /** AVIF at {@link #DEFAULT_AVIF_SPEED}. */
    public EncodeOptions(OutputFormat format, int quality, int background, boolean progressive, Subsample subsample,
                         boolean lossless) {
        this(format, quality, background, progressive, subsample, lossless, DEFAULT_AVIF_SPEED);
    }

    /** Baseline JPEG, chroma as {@link Subsample#AUTO}, lossy WebP. */
    public EncodeOptions(OutputFormat format, int quality, int background) {
        this(format, quality, background, false, Subsample.AUTO, false);
    }
}
