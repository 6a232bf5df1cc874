package dev.gpupool.image;

/**
 * An independent, deliberately slow implementation of the resize straight from the definition in
 * {@link ResampleWeights}' Javadoc, in double precision: dense per-axis weight matrices (no tap
 * tables, no window shifting) and a direct 2D sum over the separable kernel. It shares nothing with
 * the production code except {@link Filter#weight}.
 */
final class Reference {
    private Reference() {
    }

    /** The dense {@code outSize x inSize} weight matrix of one axis, as the definition states it. */
    static double[][] weights(Filter filter, int inSize, int outSize, double inStart, double inLength) {
        double scale = inLength / outSize;
        double f = Math.max(scale, 1.0);
        double support = filter.support() * f;
        double[][] m = new double[outSize][inSize];
        for (int i = 0; i < outSize; i++) {
            double c = inStart + (i + 0.5) * scale;
            long lo = (long) Math.floor(c - support + 0.5), hi = (long) Math.floor(c + support + 0.5);
            double sum = 0;
            for (long j = lo; j < hi; j++) {
                double w = filter.weight((j + 0.5 - c) / f);
                int cj = (int) Math.min(Math.max(j, 0), inSize - 1); // outside: clamped to the edge pixel
                m[i][cj] += w;
                sum += w;
            }
            if (sum == 0.0) { // nothing in the support (a box between samples): the nearest pixel
                java.util.Arrays.fill(m[i], 0.0);
                m[i][(int) Math.min(Math.max(Math.floor(c), 0), inSize - 1)] = 1.0;
                continue;
            }
            for (int j = 0; j < inSize; j++) m[i][j] /= sum;
        }
        return m;
    }

    static double[][] weights(Filter filter, int inSize, int outSize) {
        return weights(filter, inSize, outSize, 0, inSize);
    }

    /** The dense matrix that a {@link ResampleWeights} table applies (taps clamped as the reader clamps). */
    static double[][] dense(ResampleWeights w) {
        double[][] m = new double[w.outSize()][w.inSize()];
        for (int i = 0; i < w.outSize(); i++) {
            for (int k = 0; k < w.taps(); k++) {
                m[i][Math.min(w.first(i) + k, w.inSize() - 1)] += w.weight(i, k);
            }
        }
        return m;
    }

    /**
     * The resize of {@code src} with per-axis matrices {@code wx} and {@code wy}, unrounded:
     * {@code [y][x][c]}, colour un-premultiplied (0 where alpha is not positive), alpha as is.
     */
    static double[][][] resizeExact(PixelBuffer src, double[][] wx, double[][] wy) {
        int ch = src.channels(), inW = src.width(), inH = src.height(), outW = wx.length, outH = wy.length;
        boolean alpha = src.hasAlpha();
        double[][][] p = new double[inH][inW][ch]; // premultiplied source
        for (int y = 0; y < inH; y++) {
            for (int x = 0; x < inW; x++) {
                double a = alpha ? src.sample(x, y, ch - 1) : 255.0;
                for (int c = 0; c < ch; c++) {
                    double v = src.sample(x, y, c);
                    p[y][x][c] = alpha && c < ch - 1 ? v * a / 255.0 : v;
                }
            }
        }
        double[][][] out = new double[outH][outW][ch];
        for (int j = 0; j < outH; j++) {
            for (int i = 0; i < outW; i++) {
                double[] acc = out[j][i];
                for (int y = 0; y < inH; y++) {
                    double wyv = wy[j][y];
                    if (wyv == 0) continue;
                    for (int x = 0; x < inW; x++) {
                        double w = wyv * wx[i][x];
                        if (w == 0) continue;
                        for (int c = 0; c < ch; c++) acc[c] += w * p[y][x][c];
                    }
                }
                if (alpha) {
                    double a = acc[ch - 1];
                    for (int c = 0; c < ch - 1; c++) acc[c] = a > 0 ? acc[c] * 255.0 / a : 0.0;
                }
            }
        }
        return out;
    }

    /** Rounds half up and clamps to 0..255, like the definition's final step. */
    static int toByte(double v) {
        long r = Math.round(v);
        return (int) Math.max(0, Math.min(255, r));
    }
}
