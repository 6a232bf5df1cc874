package dev.gpupool.codec;

import java.util.Objects;

/**
 * How to encode.
 *
 * @param format      the output format
 * @param quality     1..100 (JPEG and lossy WebP; see below); lossless WebP and PNG ignore it
 * @param background  0xRRGGBB that alpha is flattened onto when the format has no alpha (JPEG)
 * @param progressive JPEG: progressive scans (SOF2) instead of baseline (SOF0); libjpeg then always
 *                    computes optimal Huffman tables for it. Other formats ignore it
 * @param subsample   JPEG chroma subsampling ({@link Subsample#AUTO}: 4:4:4 at quality &gt;= 90, else
 *                    4:2:0). Other formats and grey JPEGs ignore it
 * @param lossless    WebP: lossless (libwebp's WebPEncodeLossless*, pixels kept exactly, quality ignored)
 *                    instead of lossy. Other formats ignore it
 *
 * <p>What quality means: for JPEG the IJG/libjpeg scale (libjpeg-turbo's {@code jpeg_set_quality}: the
 * standard's example quantisation tables scaled, 50 as given, 100 all ones); for lossy WebP libwebp's
 * {@code quality} factor 0..100 (its own quantiser scale, calibrated to look roughly like the same JPEG
 * quality, not identical bytes or error). Both: higher is larger and closer to the source; 85 by default.
 */
public record EncodeOptions(OutputFormat format, int quality, int background, boolean progressive, Subsample subsample,
                            boolean lossless) {
    public EncodeOptions {
        if (quality < 1 || quality > 100) throw new IllegalArgumentException("quality must be 1..100, not " + quality);
        Objects.requireNonNull(subsample, "subsample");
    }

    /** Baseline JPEG, chroma as {@link Subsample#AUTO}, lossy WebP. */
    public EncodeOptions(OutputFormat format, int quality, int background) {
        this(format, quality, background, false, Subsample.AUTO, false);
    }
}
