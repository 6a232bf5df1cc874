package dev.gpupool.image;

/**
 * Chooses the crop window of a {@link Fit#COVER} plan from the decoded pixels ({@link Crop#ENTROPY},
 * {@link Crop#ATTENTION}); the strategies follow libvips' {@code vips_smartcrop}, written afresh.
 *
 * <p>The analysis runs on a copy box-averaged down to at most {@link #ANALYSIS_SIZE} pixels on its long
 * side (the decoded image is usually shrunk on load already), so it costs little next to the resize;
 * the chosen window is placed to within one analysis pixel.
 */
public final class SmartCrop {
    /** The long side of the analysis copy, in pixels. */
    static final int ANALYSIS_SIZE = 256;

    private SmartCrop() {
    }

    /**
     * {@code plan} with its crop window moved where {@code crop} puts it in {@code pixels}, the decoded
     * image whose pixel {@code j} covers {@code [j / scale, (j + 1) / scale)} of the full-size image;
     * {@code plan} itself when there is nothing to choose (centre crop, or no overflow).
     */
    public static FitPlan apply(FitPlan plan, Crop crop, PixelBuffer pixels, double scale) {
        if (crop == null || crop == Crop.CENTRE) return plan;
        boolean overX = plan.cropWidth() < plan.srcWidth() - 1e-9, overY = plan.cropHeight() < plan.srcHeight() - 1e-9;
        if (!overX && !overY) return plan;
        double[] origin = choose(pixels, crop, Math.min(pixels.width(), plan.cropWidth() * scale),
                Math.min(pixels.height(), plan.cropHeight() * scale));
        double x = overX ? clamp(origin[0] / scale, plan.srcWidth() - plan.cropWidth()) : plan.cropX();
        double y = overY ? clamp(origin[1] / scale, plan.srcHeight() - plan.cropHeight()) : plan.cropY();
        return new FitPlan(plan.srcWidth(), plan.srcHeight(), plan.outWidth(), plan.outHeight(), x, y, plan.cropWidth(), plan.cropHeight());
    }

    private static double clamp(double v, double max) {
        return Math.max(0, Math.min(max, v));
    }

    /**
     * The top-left corner, in {@code pixels}' coordinates, of the {@code windowWidth x windowHeight}
     * window that {@code crop} keeps ({@link Crop#CENTRE}: centred).
     */
    public static double[] choose(PixelBuffer pixels, Crop crop, double windowWidth, double windowHeight) {
        int w = pixels.width(), h = pixels.height();
        if (crop == Crop.CENTRE) return new double[]{(w - windowWidth) / 2, (h - windowHeight) / 2};
        int k = Math.max(1, (int) Math.ceil(Math.max(w, h) / (double) ANALYSIS_SIZE));
        Analysis a = Analysis.of(pixels, k);
        // The window in analysis pixels, rounded to whole ones (at least 1, at most the image).
        int ww = Math.max(1, Math.min(a.w, (int) Math.round(windowWidth / k)));
        int wh = Math.max(1, Math.min(a.h, (int) Math.round(windowHeight / k)));
        int[] o = crop == Crop.ENTROPY ? entropy(a, ww, wh) : attention(a, ww, wh);
        // Back to decoded pixels; the window keeps its exact size, so clamp its origin into the image.
        double x = ww >= a.w ? (w - windowWidth) / 2 : Math.max(0, Math.min(w - windowWidth, (o[0] + ww / 2.0) * k - windowWidth / 2));
        double y = wh >= a.h ? (h - windowHeight) / 2 : Math.max(0, Math.min(h - windowHeight, (o[1] + wh / 2.0) * k - windowHeight / 2));
        return new double[]{x, y};
    }

    /** The decoded pixels box-averaged by {@code k}: luminance and R, G, B, each 0..255. */
    private record Analysis(int w, int h, float[] r, float[] g, float[] b, float[] luma) {
        static Analysis of(PixelBuffer px, int k) {
            int w = (px.width() + k - 1) / k, h = (px.height() + k - 1) / k, c = px.channels();
            float[] r = new float[w * h], g = new float[w * h], b = new float[w * h], y = new float[w * h];
            int[] n = new int[w * h];
            byte[] d = px.data();
            boolean colour = c >= 3;
            for (int sy = 0; sy < px.height(); sy++) {
                int row = (sy / k) * w;
                for (int sx = 0, p = sy * px.width() * c; sx < px.width(); sx++, p += c) {
                    int i = row + sx / k;
                    int rr = d[p] & 0xFF, gg = colour ? d[p + 1] & 0xFF : rr, bb = colour ? d[p + 2] & 0xFF : rr;
                    r[i] += rr; g[i] += gg; b[i] += bb; n[i]++;
                }
            }
            for (int i = 0; i < n.length; i++) {
                r[i] /= n[i]; g[i] /= n[i]; b[i] /= n[i];
                y[i] = 0.299f * r[i] + 0.587f * g[i] + 0.114f * b[i];
            }
            return new Analysis(w, h, r, g, b, y);
        }
    }

    /**
     * libvips' entropy strategy: while the window is wider (taller) than wanted, compare the grey
     * histogram entropy of a strip at each end of the overflowing axis and trim the duller one; on a
     * tie, trim both, the odd pixel from the side trimmed less so far (a flat image stays centred).
     */
    static int[] entropy(Analysis a, int ww, int wh) {
        int left = 0, right = a.w, top = 0, bottom = a.h;
        while (right - left > ww) {
            int strip = Math.max(1, Math.min(right - left - ww, (right - left) / 16));
            double el = entropy(a, left, top, left + strip, bottom), er = entropy(a, right - strip, top, right, bottom);
            if (el < er) left += strip;
            else if (el > er) right -= strip;
            else if (left <= a.w - right) { left += strip - strip / 2; right -= strip / 2; }
            else { left += strip / 2; right -= strip - strip / 2; }
        }
        while (bottom - top > wh) {
            int strip = Math.max(1, Math.min(bottom - top - wh, (bottom - top) / 16));
            double et = entropy(a, left, top, right, top + strip), eb = entropy(a, left, bottom - strip, right, bottom);
            if (et < eb) top += strip;
            else if (et > eb) bottom -= strip;
            else if (top <= a.h - bottom) { top += strip - strip / 2; bottom -= strip / 2; }
            else { top += strip / 2; bottom -= strip - strip / 2; }
        }
        return new int[]{left, top};
    }

    /** Shannon entropy (bits) of the grey histogram of {@code [x0, x1) x [y0, y1)}. */
    private static double entropy(Analysis a, int x0, int y0, int x1, int y1) {
        int[] hist = new int[256];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) hist[Math.min(255, Math.round(a.luma[y * a.w + x]))]++;
        }
        double n = (double) (x1 - x0) * (y1 - y0), e = 0;
        for (int c : hist) {
            if (c > 0) {
                double p = c / n;
                e -= p * Math.log(p);
            }
        }
        return e / Math.log(2);
    }

    /**
     * libvips' attention strategy, simplified: score each pixel by its edge strength (the magnitude of
     * the luminance Laplacian), skin tone (a chroma box in YCbCr) and saturation, blur the score map,
     * and keep the window with the highest total (nearest the centre on a tie).
     */
    static int[] attention(Analysis a, int ww, int wh) {
        int w = a.w, h = a.h;
        float[] score = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float l = a.luma[i];
                float lap = 4 * l - a.luma[y * w + Math.max(0, x - 1)] - a.luma[y * w + Math.min(w - 1, x + 1)]
                        - a.luma[Math.max(0, y - 1) * w + x] - a.luma[Math.min(h - 1, y + 1) * w + x];
                float edges = Math.abs(lap);
                float r = a.r[i], g = a.g[i], b = a.b[i];
                float cb = 128 - 0.168736f * r - 0.331264f * g + 0.5f * b;
                float cr = 128 + 0.5f * r - 0.418688f * g - 0.081312f * b;
                float skin = l > 40 && cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173 ? 100 : 0;
                float max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b));
                float sat = max > 0 ? (max - min) / max : 0;
                float saturated = sat > 0.25f && max > 40 ? 50 * sat : 0;
                score[i] = edges + skin + saturated;
            }
        }
        score = boxBlur(boxBlur(score, w, h, 2), w, h, 2);
        // Summed-area table: the total of any window in O(1).
        double[] sat = new double[(w + 1) * (h + 1)];
        for (int y = 0; y < h; y++) {
            double rowSum = 0;
            for (int x = 0; x < w; x++) {
                rowSum += score[y * w + x];
                sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + rowSum;
            }
        }
        double cx = (w - ww) / 2.0, cy = (h - wh) / 2.0;
        double best = -1, bestDist = Double.MAX_VALUE;
        int bx = 0, by = 0;
        for (int y = 0; y + wh <= h; y++) {
            for (int x = 0; x + ww <= w; x++) {
                double s = sat[(y + wh) * (w + 1) + x + ww] - sat[y * (w + 1) + x + ww] - sat[(y + wh) * (w + 1) + x] + sat[y * (w + 1) + x];
                double dist = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                // A relative tolerance so that rounding noise does not pull a flat image off centre.
                if (s > best + 1e-9 * Math.max(1, best) || (Math.abs(s - best) <= 1e-9 * Math.max(1, best) && dist < bestDist)) {
                    best = s; bestDist = dist; bx = x; by = y;
                }
            }
        }
        return new int[]{bx, by};
    }

    /** A separable box blur of radius {@code r}, edges clamped. */
    private static float[] boxBlur(float[] in, int w, int h, int r) {
        float[] tmp = new float[in.length], out = new float[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int d = -r; d <= r; d++) s += in[y * w + Math.max(0, Math.min(w - 1, x + d))];
                tmp[y * w + x] = s / (2 * r + 1);
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float s = 0;
                for (int d = -r; d <= r; d++) s += tmp[Math.max(0, Math.min(h - 1, y + d)) * w + x];
                out[y * w + x] = s / (2 * r + 1);
            }
        }
        return out;
    }
}
