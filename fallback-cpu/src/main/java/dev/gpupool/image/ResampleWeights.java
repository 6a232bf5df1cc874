package dev.gpupool.image;

/**
 * The filter weights of one axis of a resize: output sample {@code i} is
 * {@code sum over k < taps of weights[i * taps + k] * in[min(first[i] + k, inSize - 1)]}.
 *
 * <p>This table is the single definition of the resize shared by every backend: the host computes it
 * once per (input size, output size, filter, crop window) and the CPU resampler and the device
 * kernels only apply it. Every row has the same number of taps (rows needing fewer are padded with
 * zero weights), so a kernel can use one loop bound; {@code first[i] + taps <= inSize} whenever
 * {@code taps <= inSize}, and indices are clamped by the reader otherwise.
 *
 * <p>Definition (as libvips and Pillow, sampling 8-bit sRGB values): with {@code scale = inLength /
 * outSize} and {@code f = max(scale, 1)}, output sample {@code i} is centred at {@code c = inStart +
 * (i + 0.5) * scale} in input coordinates (pixel {@code j} spans {@code [j, j+1)}); input pixel
 * {@code j} has weight {@code filter.weight((j + 0.5 - c) / f)} for {@code j} in
 * {@code [floor(c - support*f + 0.5), floor(c + support*f + 0.5))}; positions outside the image are
 * clamped to the edge pixel (their weight is added to it); the row is normalised to sum 1.
 */
public final class ResampleWeights {
    private final int inSize;
    private final int outSize;
    private final int taps;
    private final int[] first;
    private final float[] weights;

    private ResampleWeights(int inSize, int outSize, int taps, int[] first, float[] weights) {
        this.inSize = inSize;
        this.outSize = outSize;
        this.taps = taps;
        this.first = first;
        this.weights = weights;
    }

    /** Weights to resample the whole axis of {@code inSize} pixels to {@code outSize}. */
    public static ResampleWeights compute(Filter filter, int inSize, int outSize) {
        return compute(filter, inSize, outSize, 0.0, inSize);
    }

    /**
     * Weights to resample the window {@code [inStart, inStart + inLength)} of an axis of
     * {@code inSize} pixels to {@code outSize} pixels (a crop and a resize in one step).
     */
    public static ResampleWeights compute(Filter filter, int inSize, int outSize, double inStart, double inLength) {
        if (inSize < 1 || outSize < 1) throw new IllegalArgumentException("sizes must be positive: " + inSize + " -> " + outSize);
        if (!(inLength > 0) || inStart < 0 || inStart + inLength > inSize + 1e-9) {
            throw new IllegalArgumentException("window [" + inStart + ", " + (inStart + inLength) + ") outside 0.." + inSize);
        }
        double scale = inLength / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support() * filterScale;
        int maxTaps = Math.min(inSize, (int) Math.ceil(2 * support) + 2);
        double[][] rows = new double[outSize][];
        int[] lo = new int[outSize];
        int taps = 1;
        double[] acc = new double[inSize];
        for (int i = 0; i < outSize; i++) {
            double[] row = window(filter, inStart + (i + 0.5) * scale, support, filterScale, inSize, acc, lo, i);
            rows[i] = row;
            taps = Math.max(taps, row.length);
        }
        taps = Math.min(taps, Math.max(maxTaps, 1));
        int[] first = new int[outSize];
        float[] weights = new float[outSize * taps];
        for (int i = 0; i < outSize; i++) {
            double[] row = rows[i];
            int f = lo[i];
            int shift = 0;
            if (taps <= inSize && f + taps > inSize) { // keep the window inside the image
                shift = f + taps - inSize;
                f -= shift;
            }
            first[i] = f;
            for (int k = 0; k < row.length && shift + k < taps; k++) {
                weights[i * taps + shift + k] = (float) row[k];
            }
        }
        return new ResampleWeights(inSize, outSize, taps, first, weights);
    }

    /**
     * The normalised weights of the output sample centred on {@code centre} (input coordinates),
     * from the first input index it reads, which goes to {@code lo[i]}; taps beyond the edges are
     * folded onto the edge pixels. {@code acc} is all zeros on entry and on return. (A method of its
     * own so the JIT compiles this loop once, small, rather than inside the caller's.)
     */
    private static double[] window(Filter filter, double centre, double support, double filterScale, int inSize,
                                   double[] acc, int[] lo, int i) {
        int xmin = (int) Math.floor(centre - support + 0.5);
        int xmax = (int) Math.floor(centre + support + 0.5);
        int cmin = Integer.MAX_VALUE, cmax = Integer.MIN_VALUE;
        double sum = 0;
        for (int j = xmin; j < xmax; j++) {
            double w = filter.weight((j + 0.5 - centre) / filterScale);
            if (w == 0.0) continue;
            int cj = Math.min(Math.max(j, 0), inSize - 1);
            if (cj < cmin) cmin = cj;
            if (cj > cmax) cmax = cj;
            acc[cj] += w;
            sum += w;
        }
        if (cmin > cmax || sum == 0.0) { // degenerate window: take the nearest pixel
            int cj = Math.min(Math.max((int) Math.floor(centre), 0), inSize - 1);
            cmin = cmax = cj;
            acc[cj] = 1.0;
            sum = 1.0;
        }
        double[] row = new double[cmax - cmin + 1];
        for (int j = cmin; j <= cmax; j++) {
            row[j - cmin] = acc[j] / sum;
            acc[j] = 0.0;
        }
        lo[i] = cmin;
        return row;
    }

    public int inSize() {
        return inSize;
    }

    public int outSize() {
        return outSize;
    }

    /** Weights per output sample (the same for every row). */
    public int taps() {
        return taps;
    }

    /** First input index of output sample {@code i}. */
    public int first(int i) {
        return first[i];
    }

    /** Weight {@code k} of output sample {@code i}. */
    public float weight(int i, int k) {
        return weights[i * taps + k];
    }

    /** A copy of the first-index table, {@code outSize} entries (for uploading to a device). */
    public int[] firstTable() {
        return first.clone();
    }

    /** A copy of the weight table, {@code outSize * taps} entries, row-major (for uploading to a device). */
    public float[] weightTable() {
        return weights.clone();
    }

    // Package-private zero-copy access for the CPU resampler's inner loops.
    int[] firstArray() {
        return first;
    }

    float[] weightArray() {
        return weights;
    }
}
