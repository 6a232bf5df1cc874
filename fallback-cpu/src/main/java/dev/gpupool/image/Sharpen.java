package dev.gpupool.image;

import java.util.Locale;

/**
 * The unsharp mask applied to a thumbnail after downscaling ({@code --sharpen}), and the reference the
 * device kernel {@code gp_sharpen_body} (kernels/resize_body.h) repeats operation for operation.
 *
 * <p>Definition, for each colour channel of each pixel of the 8-bit sRGB thumbnail (alpha, the last
 * channel of a 2- or 4-channel image, is copied unchanged; colour is sharpened as stored, straight):
 * <pre>
 *   blur = gaussian(sigma) of the channel, edges replicated
 *   d    = in - blur
 *   out  = in                          when |d| &lt; threshold (flat areas and fine noise are left alone)
 *        = round(in + amount * d)      otherwise, clamped to 0..255
 * </pre>
 * The gaussian is separable with the {@code 2 * radius + 1} float weights {@link #weights()}:
 * {@code exp(-k^2 / (2 sigma^2))} for {@code k = -radius..radius}, {@code radius = ceil(3 sigma)},
 * normalised to sum 1 (computed in double, then rounded to float). In float, in this order:
 * {@code row(dy) = sum over dx = -r..r of w[|dx|] * in(x + dx, y + dy)}, then
 * {@code blur = sum over dy = -r..r of w[|dy|] * row(dy)}, coordinates clamped to the image.
 *
 * <p>The defaults are libvips's {@code vips_sharpen} for screen output, re-expressed for an RGB unsharp
 * mask: sigma 0.5 (libvips's default sigma, also sharp's and imgproxy's usual value); threshold 5
 * levels of 255, about libvips's {@code x1 = 2} L* (below it libvips's slope {@code m1} is 0: no
 * sharpening in flat areas); amount 1.0, ImageMagick's {@code -unsharp} default gain, which with sigma
 * 0.5 gives a step edge an overshoot of about 27 levels each side, the order of libvips's caps
 * ({@code y2 = 10}, {@code y3 = 20} L*) that its steeper {@code m2 = 3} runs into.
 *
 * @param sigma     the gaussian's standard deviation in output pixels, 0.1..10
 * @param amount    how much of the difference is added back, 0..10 (0: no change)
 * @param threshold differences below this many levels (0..255) are left alone
 */
public record Sharpen(float sigma, float amount, float threshold) {
    public static final float DEFAULT_SIGMA = 0.5f;
    public static final float DEFAULT_AMOUNT = 1.0f;
    public static final float DEFAULT_THRESHOLD = 5f;
    /** The largest radius: {@code ceil(3 * 10)}. The device kernels' parameter block holds this many weights + 1. */
    public static final int MAX_RADIUS = 30;

    public Sharpen {
        if (!(sigma >= 0.1f && sigma <= 10f)) throw new IllegalArgumentException("sharpen sigma must be 0.1..10, not " + sigma);
        if (!(amount >= 0f && amount <= 10f)) throw new IllegalArgumentException("sharpen amount must be 0..10, not " + amount);
        if (!(threshold >= 0f && threshold <= 255f)) {
            throw new IllegalArgumentException("sharpen threshold must be 0..255, not " + threshold);
        }
    }

    /** sigma 0.5, amount 1, threshold 5. */
    public static Sharpen defaults() {
        return new Sharpen(DEFAULT_SIGMA, DEFAULT_AMOUNT, DEFAULT_THRESHOLD);
    }

    /**
     * {@code SIGMA[,AMOUNT[,THRESHOLD]]} (the parts left out take their defaults), or an empty string for
     * the defaults, e.g. {@code 0.5}, {@code 0.8,1.5}, {@code 0.5,1,0}.
     *
     * @throws IllegalArgumentException anything else, or a value out of range
     */
    public static Sharpen parse(String s) {
        String t = s == null ? "" : s.trim();
        if (t.isEmpty()) return defaults();
        String[] p = t.split(",", -1);
        if (p.length > 3) throw new IllegalArgumentException("--sharpen takes SIGMA[,AMOUNT[,THRESHOLD]], not '" + s + "'");
        float[] v = {DEFAULT_SIGMA, DEFAULT_AMOUNT, DEFAULT_THRESHOLD};
        for (int i = 0; i < p.length; i++) {
            try {
                v[i] = Float.parseFloat(p[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--sharpen takes SIGMA[,AMOUNT[,THRESHOLD]] (numbers), not '" + s + "'");
            }
            if (!Float.isFinite(v[i])) throw new IllegalArgumentException("--sharpen values must be finite, not '" + s + "'");
        }
        return new Sharpen(v[0], v[1], v[2]);
    }

    /** {@code SIGMA,AMOUNT,THRESHOLD}, which {@link #parse} reads back. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s,%s,%s", fmt(sigma), fmt(amount), fmt(threshold));
    }

    private static String fmt(float f) {
        return f == Math.rint(f) ? Integer.toString((int) f) : Float.toString(f);
    }

    /** {@code ceil(3 sigma)}, at least 1. */
    public int radius() {
        return Math.max(1, Math.min(MAX_RADIUS, (int) Math.ceil(3.0 * sigma)));
    }

    /** The gaussian's weights for {@code k = 0..radius} ({@code w[|k|]} for negative k), summing to 1 over -radius..radius. */
    public float[] weights() {
        int r = radius();
        double[] g = new double[r + 1];
        double sum = 0;
        for (int k = 0; k <= r; k++) {
            g[k] = Math.exp(-(double) k * k / (2.0 * sigma * sigma));
            sum += k == 0 ? g[k] : 2 * g[k];
        }
        float[] w = new float[r + 1];
        for (int k = 0; k <= r; k++) w[k] = (float) (g[k] / sum);
        return w;
    }

    /** {@code src} sharpened: a new buffer of the same size (see the class comment). */
    public PixelBuffer apply(PixelBuffer src) {
        int w = src.width(), h = src.height(), ch = src.channels();
        int colours = src.hasAlpha() ? ch - 1 : ch;
        int r = radius(), taps = 2 * r + 1, rowLen = w * ch;
        float[] half = weights(), wt = new float[taps];
        for (int k = 0; k < taps; k++) wt[k] = half[Math.abs(k - r)];
        byte[] s = src.data();
        byte[] out = s.clone(); // alpha (and anything left alone) as it was
        if (amount == 0f) return new PixelBuffer(w, h, ch, out);
        // The horizontal sums of every row, rows[y][x * ch + c]: the same float operations, in the same
        // order, as the kernel's inner loop. The source row is padded by r replicated pixels each side.
        float[][] rows = new float[h][rowLen];
        float[] padded = new float[(w + 2 * r) * ch];
        for (int y = 0; y < h; y++) {
            int base = y * rowLen;
            for (int px = -r; px < w + r; px++) {
                int sx = Math.min(Math.max(px, 0), w - 1);
                for (int c = 0; c < ch; c++) padded[(px + r) * ch + c] = s[base + sx * ch + c] & 0xFF;
            }
            // Tap-major (vectorisable); each sample still sums its taps k = 0..2r in order. Alpha is summed
            // too and never read.
            float[] row = rows[y];
            for (int k = 0; k < taps; k++) {
                float wk = wt[k];
                int off = k * ch;
                if (k == 0) for (int i = 0; i < rowLen; i++) row[i] = 0f + wk * padded[i];
                else for (int i = 0; i < rowLen; i++) row[i] += wk * padded[off + i];
            }
        }
        // The vertical sums per output row, dy = -r..r in order for every sample, then the mask.
        float[] blur = new float[rowLen];
        for (int y = 0; y < h; y++) {
            java.util.Arrays.fill(blur, 0f);
            for (int k = 0; k < taps; k++) {
                float[] row = rows[Math.min(Math.max(y + k - r, 0), h - 1)];
                float wk = wt[k];
                for (int i = 0; i < rowLen; i++) blur[i] += wk * row[i];
            }
            int base = y * rowLen;
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < colours; c++) {
                    int i = x * ch + c;
                    float v = s[base + i] & 0xFF;
                    float d = v + -blur[i];
                    if (!((d < 0f ? -d : d) < threshold)) out[base + i] = toByte(v + amount * d);
                }
            }
        }
        return new PixelBuffer(w, h, ch, out);
    }

    /** {@code pixels} sharpened by {@code sharpen}, or {@code pixels} itself when it is null (no sharpening). */
    public static PixelBuffer apply(Sharpen sharpen, PixelBuffer pixels) {
        return sharpen == null ? pixels : sharpen.apply(pixels);
    }

    /** As Resampler: round half up, clamp to 0..255. */
    private static byte toByte(float v) {
        int r = Math.round(v);
        return (byte) (r < 0 ? 0 : Math.min(r, 255));
    }
}
