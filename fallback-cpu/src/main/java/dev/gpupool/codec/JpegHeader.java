package dev.gpupool.codec;

/**
 * What a JPEG's markers say before its first scan, read without decoding: the frame (its SOF type,
 * precision, size, components and their sampling factors) and what would make a decoder other than
 * libjpeg-turbo get the pixels wrong (an Adobe APP14 colour transform, an ICC profile, the EXIF
 * orientation). A device decoder uses it to decide, per image, whether it can take the image.
 * Malformed or missing markers give {@link #parse} null; it never throws.
 *
 * @param sof          the frame marker's low byte: 0xC0 baseline, 0xC1 extended, 0xC2 progressive,
 *                     0xC3 lossless, 0xC9..0xCB arithmetic coding, ...
 * @param precision    bits per sample (8 or 12)
 * @param width        stored width (before the EXIF orientation)
 * @param height       stored height
 * @param components   1 (grey), 3 (YCbCr or RGB) or 4 (CMYK/YCCK)
 * @param sampling     per component, horizontal factor * 16 + vertical factor
 * @param orientation  EXIF orientation 1..8 (1 when absent or invalid)
 * @param hasIcc       an ICC profile is embedded
 * @param adobe        an Adobe APP14 marker is present
 * @param adobeTransform its transform byte (0 none/RGB or CMYK, 1 YCbCr, 2 YCCK), -1 without APP14
 */
public record JpegHeader(int sof, int precision, int width, int height, int components, int[] sampling,
                         int orientation, boolean hasIcc, boolean adobe, int adobeTransform) {
    public static final int SOF_BASELINE = 0xC0, SOF_EXTENDED = 0xC1, SOF_PROGRESSIVE = 0xC2;

    /**
     * The header of {@code b}, or null when it is not a JPEG or its markers do not hold together up to
     * the frame header. Markers after the frame header, up to the first scan, are still read for an
     * Adobe APP14 (libjpeg honours one anywhere before the scan).
     */
    public static JpegHeader parse(byte[] b) {
        if (b == null || b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) return null;
        int[] adobeTransform = {-1};
        int[][] frame = {null}; // sof, precision, width, height
        int[][] sampling = {null};
        boolean[] bad = {false};
        Metadata.jpegSegments(b, (m, start, end) -> {
            if (m == 0xEE && Metadata.startsWith(b, start, end, "Adobe") && end - start >= 12) {
                adobeTransform[0] = b[start + 11] & 0xFF; // the last one counts, as in libjpeg
            }
            if (isSof(m) && frame[0] == null) {
                int len = end - start + 2, n = len >= 8 ? b[start + 5] & 0xFF : 0;
                if (len < 8 || n < 1 || n > 4 || len < 8 + 3 * n) {
                    bad[0] = true;
                    return false;
                }
                frame[0] = new int[]{m, b[start] & 0xFF, Metadata.u16be(b, start + 3), Metadata.u16be(b, start + 1)};
                sampling[0] = new int[n];
                for (int c = 0; c < n; c++) sampling[0][c] = b[start + 6 + 3 * c + 1] & 0xFF;
            }
            return true;
        });
        if (bad[0]) return null;
        int[] f = frame[0];
        if (f == null) return null;
        Metadata meta = Metadata.jpeg(b);
        return new JpegHeader(f[0], f[1], f[2], f[3], sampling[0].length, sampling[0], meta.orientation(),
                meta.icc() != null, meta.adobe(), adobeTransform[0]);
    }

    /** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
    private static boolean isSof(int m) {
        return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    }

    /**
     * The chroma subsampling of a 3-component image as {@code "444"}, {@code "422"}, {@code "420"},
     * {@code "440"} or {@code "411"} (luma factors over equal chroma factors of 1), else null.
     */
    public String subsampling() {
        if (components != 3 || sampling[1] != 0x11 || sampling[2] != 0x11) return null;
        return switch (sampling[0]) {
            case 0x11 -> "444";
            case 0x21 -> "422";
            case 0x22 -> "420";
            case 0x12 -> "440";
            case 0x41 -> "411";
            default -> null;
        };
    }

    /** Why a plain 8-bit YCbCr decoder (nvJPEG's, say) could get this image wrong, or null when it cannot. */
    public String unusualColour() {
        if (precision != 8) return precision + "-bit samples";
        if (components == 4) return "CMYK/YCCK";
        if (components == 2) return "2 components";
        if (components == 3 && adobe && adobeTransform == 0) return "RGB samples (Adobe transform 0)";
        if (hasIcc) return "an embedded ICC profile";
        return null;
    }
}
