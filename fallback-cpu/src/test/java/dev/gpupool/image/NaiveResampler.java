package dev.gpupool.image;

/**
 * The first, straightforward CPU resize (one output sample at a time, clamped reads), kept as an
 * oracle: the optimised {@link Resampler} must produce the same bytes, since it does the same
 * float operations in the same order per sample.
 */
final class NaiveResampler {
    private NaiveResampler() {
    }

    public static PixelBuffer resize(PixelBuffer src, ResampleWeights x, ResampleWeights y) {
        if (x.inSize() != src.width() || y.inSize() != src.height()) {
            throw new IllegalArgumentException("weights for " + x.inSize() + "x" + y.inSize() + " applied to " + src);
        }
        int ch = src.channels(), inW = src.width(), inH = src.height(), outW = x.outSize(), outH = y.outSize();
        boolean alpha = src.hasAlpha();
        int a = ch - 1;
        // Horizontal pass into a float image inH x outW (premultiplied when there is alpha).
        float[] mid = new float[inH * outW * ch];
        int tx = x.taps();
        int[] fx = x.firstTable();
        float[] wx = x.weightTable();
        byte[] s = src.data();
        float[] acc = new float[ch];
        for (int row = 0; row < inH; row++) {
            int rowBase = row * inW;
            for (int i = 0; i < outW; i++) {
                java.util.Arrays.fill(acc, 0f);
                int f = fx[i];
                for (int k = 0; k < tx; k++) {
                    float w = wx[i * tx + k];
                    int p = (rowBase + Math.min(f + k, inW - 1)) * ch;
                    if (alpha) {
                        float av = s[p + a] & 0xFF;
                        for (int c = 0; c < a; c++) acc[c] += w * ((s[p + c] & 0xFF) * av * (1f / 255f));
                        acc[a] += w * av;
                    } else {
                        for (int c = 0; c < ch; c++) acc[c] += w * (s[p + c] & 0xFF);
                    }
                }
                System.arraycopy(acc, 0, mid, (row * outW + i) * ch, ch);
            }
        }
        // Vertical pass, un-premultiply, round and clamp.
        byte[] out = new byte[outW * outH * ch];
        int ty = y.taps();
        int[] fy = y.firstTable();
        float[] wy = y.weightTable();
        for (int j = 0; j < outH; j++) {
            int f = fy[j];
            for (int i = 0; i < outW; i++) {
                java.util.Arrays.fill(acc, 0f);
                for (int k = 0; k < ty; k++) {
                    float w = wy[j * ty + k];
                    int p = (Math.min(f + k, inH - 1) * outW + i) * ch;
                    for (int c = 0; c < ch; c++) acc[c] += w * mid[p + c];
                }
                int o = (j * outW + i) * ch;
                if (alpha) {
                    float av = acc[a];
                    for (int c = 0; c < a; c++) out[o + c] = toByte(av > 0f ? acc[c] * 255f / av : 0f);
                    out[o + a] = toByte(av);
                } else {
                    for (int c = 0; c < ch; c++) out[o + c] = toByte(acc[c]);
                }
            }
        }
        return new PixelBuffer(outW, outH, ch, out);
    }

    /** Rounds to nearest and clamps to 0..255 (filters with negative lobes overshoot). */
    static byte toByte(float v) {
        int r = Math.round(v);
        return (byte) (r < 0 ? 0 : Math.min(r, 255));
    }
}
