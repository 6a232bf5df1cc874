package dev.gpupool.image;

/**
 * The CPU resize, and the reference every device backend is tested against: two separable passes
 * (horizontal, then vertical) applying {@link ResampleWeights}, accumulating in float, on
 * premultiplied alpha when the image has alpha, rounding to nearest and clamping to 0..255 at the end.
 *
 * <p>Precisely: each source sample {@code v} is taken as the float {@code v * alpha * (1f / 255f)}
 * for colour when the image has alpha, and as {@code v} otherwise (alpha itself included); the
 * horizontal pass computes, per source row and output column, the float sum
 * over taps {@code k} in increasing order of {@code weight(i, k) * sample(first(i) + k)}; the vertical
 * pass sums those the same way down the columns; then colour is {@code sum * 255f / alphaSum} when
 * {@code alphaSum > 0} (else 0) and every value is rounded with {@link Math#round(float)} and
 * clamped to 0..255. Zero weights may be skipped: they change no result.
 *
 * <p>Stateless and thread-safe; each call allocates its own scratch memory.
 */
public final class Resampler {
    private Resampler() {
    }

    /**
     * {@code src} resized to {@code x.outSize() x y.outSize()}, with the same channel count.
     *
     * @throws IllegalArgumentException if {@code x.inSize() != src.width()} or {@code y.inSize() != src.height()}
     */
    public static PixelBuffer resize(PixelBuffer src, ResampleWeights x, ResampleWeights y) {
        if (x.inSize() != src.width() || y.inSize() != src.height()) {
            throw new IllegalArgumentException("weights for " + x.inSize() + "x" + y.inSize() + " applied to " + src);
        }
        Pass pass = new Pass(src, new Taps(x), new Taps(y));
        for (int j = 0; j < pass.outH; j++) pass.outputRow(j);
        return new PixelBuffer(x.outSize(), y.outSize(), src.channels(), pass.out);
    }

    /**
     * One resize's state. The work is split into small methods (a row in, a row out, one loop
     * each) rather than one method with every loop: the JIT then compiles each small method once,
     * quickly, instead of recompiling one large method with everything inlined at every loop it
     * enters mid-run (on-stack replacement cost more compile time than the resizes themselves).
     */
    private static final class Pass {
        final int ch, inW, inH, outW, outH, rowLen, cap;
        final Taps hx, hy;
        final byte[] s, out;
        final boolean alpha, fast;
        // The horizontal pass runs lazily, one source row at a time, into a ring of as many rows as
        // the vertical kernel spans: the rows an output row needs stay cache-resident, and rows no
        // output reads (outside a crop window) are never computed. The windows of consecutive
        // output rows are increasing, so each source row is filtered once.
        final float[][] ring;
        final int[] held;
        final float[] srcRow, acc;

        Pass(PixelBuffer src, Taps hx, Taps hy) {
            this.hx = hx;
            this.hy = hy;
            ch = src.channels();
            inW = src.width();
            inH = src.height();
            outW = hx.out;
            outH = hy.out;
            rowLen = outW * ch;
            cap = Math.max(1, hy.span);
            ring = new float[cap][rowLen];
            held = new int[cap];
            java.util.Arrays.fill(held, -1);
            srcRow = new float[inW * ch];
            acc = new float[rowLen];
            out = new byte[outW * outH * ch];
            s = src.data();
            alpha = src.hasAlpha();
            fast = hx.inRange && (ch == 1 || ch == 3 || ch == 4);
        }

        void outputRow(int j) {
            int k0 = hy.lo[j], k1 = hy.hi[j], f = hy.first[j], wb = j * hy.taps;
            if (k0 == k1) java.util.Arrays.fill(acc, 0f); // an all-zero row (not produced by ResampleWeights)
            for (int k = k0; k < k1; k++) {
                float[] mid = filteredRow(Math.min(f + k, inH - 1)); // clamped only if the table ever exceeds the axis
                // Row-oriented vertical accumulation: sequential, vectorisable, same per-sample order.
                if (k == k0) scale(acc, mid, hy.weights[wb + k]);
                else addScaled(acc, mid, hy.weights[wb + k]);
            }
            store(acc, out, j * rowLen, outW, ch, alpha);
        }

        /** Source row {@code r} after the horizontal pass, computed on first use. */
        float[] filteredRow(int r) {
            int slot = r % cap;
            float[] mid = ring[slot];
            if (held[slot] != r) {
                toFloatRow(s, r * inW * ch, inW, ch, alpha, srcRow);
                if (!fast) horizontalGeneric(srcRow, inW, ch, hx, mid);
                else if (ch == 3) horizontal3(srcRow, hx, mid);
                else if (ch == 4) horizontal4(srcRow, hx, mid);
                else horizontal1(srcRow, hx, mid);
                held[slot] = r;
            }
            return mid;
        }
    }

    private static void scale(float[] acc, float[] row, float w) {
        for (int i = 0; i < acc.length; i++) acc[i] = w * row[i];
    }

    private static void addScaled(float[] acc, float[] row, float w) {
        for (int i = 0; i < acc.length; i++) acc[i] += w * row[i];
    }

    /** One source row as floats, colour premultiplied by alpha: once per pixel, not once per tap. */
    private static void toFloatRow(byte[] s, int base, int inW, int ch, boolean alpha, float[] row) {
        if (!alpha) {
            for (int i = 0, n = inW * ch; i < n; i++) row[i] = s[base + i] & 0xFF;
        } else if (ch == 4) {
            for (int p = 0, n = inW * 4; p < n; p += 4) {
                float av = s[base + p + 3] & 0xFF;
                row[p] = (s[base + p] & 0xFF) * av * (1f / 255f);
                row[p + 1] = (s[base + p + 1] & 0xFF) * av * (1f / 255f);
                row[p + 2] = (s[base + p + 2] & 0xFF) * av * (1f / 255f);
                row[p + 3] = av;
            }
        } else {
            for (int p = 0, n = inW * 2; p < n; p += 2) {
                float av = s[base + p + 1] & 0xFF;
                row[p] = (s[base + p] & 0xFF) * av * (1f / 255f);
                row[p + 1] = av;
            }
        }
    }

    // The specialised passes read first + k unclamped: Taps.inRange checked first + hi <= inSize.

    private static void horizontal1(float[] row, Taps t, float[] mid) {
        int[] first = t.first, lo = t.lo, hi = t.hi;
        float[] wt = t.weights;
        for (int i = 0, n = t.out; i < n; i++) {
            int wb = i * t.taps - first[i];
            float a = 0f;
            for (int p = first[i] + lo[i], e = first[i] + hi[i]; p < e; p++) a += wt[wb + p] * row[p];
            mid[i] = a;
        }
    }

    private static void horizontal3(float[] row, Taps t, float[] mid) {
        int[] first = t.first, lo = t.lo, hi = t.hi;
        float[] wt = t.weights;
        for (int i = 0, n = t.out; i < n; i++) {
            int wb = i * t.taps, k1 = hi[i];
            float r = 0f, g = 0f, b = 0f;
            for (int k = lo[i], p = (first[i] + k) * 3; k < k1; k++, p += 3) {
                float w = wt[wb + k];
                r += w * row[p];
                g += w * row[p + 1];
                b += w * row[p + 2];
            }
            mid[i * 3] = r;
            mid[i * 3 + 1] = g;
            mid[i * 3 + 2] = b;
        }
    }

    private static void horizontal4(float[] row, Taps t, float[] mid) {
        int[] first = t.first, lo = t.lo, hi = t.hi;
        float[] wt = t.weights;
        for (int i = 0, n = t.out; i < n; i++) {
            int wb = i * t.taps, k1 = hi[i];
            float r = 0f, g = 0f, b = 0f, a = 0f;
            for (int k = lo[i], p = (first[i] + k) * 4; k < k1; k++, p += 4) {
                float w = wt[wb + k];
                r += w * row[p];
                g += w * row[p + 1];
                b += w * row[p + 2];
                a += w * row[p + 3];
            }
            mid[i * 4] = r;
            mid[i * 4 + 1] = g;
            mid[i * 4 + 2] = b;
            mid[i * 4 + 3] = a;
        }
    }

    /** Any channel count, reads clamped to the row (the contract's reader clamping). */
    private static void horizontalGeneric(float[] row, int inW, int ch, Taps t, float[] mid) {
        for (int i = 0, n = t.out; i < n; i++) {
            int wb = i * t.taps, o = i * ch;
            for (int c = 0; c < ch; c++) mid[o + c] = 0f;
            for (int k = t.lo[i]; k < t.hi[i]; k++) {
                float w = t.weights[wb + k];
                int p = Math.min(t.first[i] + k, inW - 1) * ch;
                for (int c = 0; c < ch; c++) mid[o + c] += w * row[p + c];
            }
        }
    }

    /** Un-premultiplies, rounds and clamps one output row. */
    private static void store(float[] acc, byte[] out, int o, int outW, int ch, boolean alpha) {
        if (!alpha) {
            for (int i = 0, n = outW * ch; i < n; i++) out[o + i] = toByte(acc[i]);
            return;
        }
        int a = ch - 1;
        for (int p = 0, n = outW * ch; p < n; p += ch) {
            float av = acc[p + a];
            for (int c = 0; c < a; c++) out[o + p + c] = toByte(av > 0f ? acc[p + c] * 255f / av : 0f);
            out[o + p + a] = toByte(av);
        }
    }

    /** Rounds to nearest and clamps to 0..255 (filters with negative lobes overshoot). */
    static byte toByte(float v) {
        int r = Math.round(v);
        return (byte) (r < 0 ? 0 : Math.min(r, 255));
    }

    /**
     * One axis's table with, per output sample, the range {@code [lo, hi)} of taps between its first
     * and last non-zero weight: the padding every row carries to a common tap count is skipped.
     */
    private static final class Taps {
        final int out, taps;
        final int[] first, lo, hi;
        final float[] weights;
        /** Every {@code first + hi <= inSize}: reads need no clamping. */
        final boolean inRange;
        /** Most consecutive source indices one output sample reads (the ring size for the vertical pass). */
        final int span;

        Taps(ResampleWeights w) {
            out = w.outSize();
            taps = w.taps();
            first = w.firstArray();
            weights = w.weightArray();
            lo = new int[out];
            hi = new int[out];
            boolean ok = true;
            int maxSpan = 0;
            for (int i = 0; i < out; i++) {
                int l = 0, h = taps, b = i * taps;
                while (l < h && weights[b + l] == 0f) l++;
                while (h > l && weights[b + h - 1] == 0f) h--;
                lo[i] = l;
                hi[i] = h;
                ok &= first[i] >= 0 && first[i] + h <= w.inSize();
                maxSpan = Math.max(maxSpan, h - l);
            }
            inRange = ok;
            span = maxSpan;
        }
    }
}
