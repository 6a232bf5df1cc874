package dev.gpupool.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ResamplerTest {

    /** (inW, inH, outW, outH): shrinks, enlargements, odd ratios, 1-pixel ends, mixed directions. */
    private static final int[][] SIZES = {
            {1, 1, 1, 1}, {1, 1, 5, 3}, {9, 7, 1, 1}, {16, 16, 8, 8}, {17, 13, 5, 4}, {5, 4, 17, 13},
            {30, 20, 7, 45}, {64, 48, 64, 48}, {200, 3, 11, 2}, {3, 200, 2, 11},
    };

    private static PixelBuffer resize(PixelBuffer src, Filter f, int outW, int outH) {
        return Resampler.resize(src, ResampleWeights.compute(f, src.width(), outW), ResampleWeights.compute(f, src.height(), outH));
    }

    private static PixelBuffer fill(int w, int h, int ch, int[] value) {
        byte[] d = new byte[w * h * ch];
        for (int p = 0; p < w * h; p++) for (int c = 0; c < ch; c++) d[p * ch + c] = (byte) value[c];
        return new PixelBuffer(w, h, ch, d);
    }

    private static PixelBuffer random(SplittableRandom rnd, int w, int h, int ch) {
        byte[] d = new byte[w * h * ch];
        for (int i = 0; i < d.length; i++) d[i] = (byte) rnd.nextInt(256);
        return new PixelBuffer(w, h, ch, d);
    }

    @Test
    void constantImagesStayExactlyConstant() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (Filter f : Filter.values()) {
            for (int ch = 1; ch <= 4; ch++) {
                for (int[] s : SIZES) {
                    for (int rep = 0; rep < 4; rep++) {
                        int[] v = new int[ch];
                        for (int c = 0; c < ch; c++) v[c] = rep == 0 ? 255 : rep == 1 ? 0 : rnd.nextInt(256);
                        if (ch % 2 == 0 && rep == 1) v[ch - 1] = 1 + rnd.nextInt(255); // colour 0, some alpha
                        if (ch % 2 == 0 && v[ch - 1] == 0) continue; // fully transparent: colour is undefined
                        PixelBuffer out = resize(fill(s[0], s[1], ch, v), f, s[2], s[3]);
                        assertEquals(s[2], out.width());
                        assertEquals(s[3], out.height());
                        assertEquals(ch, out.channels());
                        for (int y = 0; y < s[3]; y++) {
                            for (int x = 0; x < s[2]; x++) {
                                for (int c = 0; c < ch; c++) {
                                    int got = out.sample(x, y, c);
                                    if (got != v[c]) {
                                        fail(f + " " + java.util.Arrays.toString(s) + " ch=" + ch + " value " + java.util.Arrays.toString(v)
                                                + ": (" + x + "," + y + "," + c + ") = " + got);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void fullyTransparentStaysTransparent() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (Filter f : Filter.values()) {
            for (int ch : new int[] {2, 4}) {
                for (int[] s : SIZES) {
                    PixelBuffer src = random(rnd, s[0], s[1], ch);
                    for (int p = 0; p < s[0] * s[1]; p++) src.data()[p * ch + ch - 1] = 0;
                    PixelBuffer out = resize(src, f, s[2], s[3]);
                    for (int p = 0; p < s[2] * s[3]; p++) {
                        for (int c = 0; c < ch; c++) assertEquals(0, out.data()[p * ch + c], f + " ch=" + ch + " pixel " + p + " c=" + c);
                    }
                }
            }
        }
    }

    /** A transparent pixel's colour must not bleed into its neighbours: that is what premultiplying is for. */
    @Test
    void transparentColourDoesNotBleed() {
        for (Filter f : Filter.values()) {
            // transparent red | opaque blue, in both orders and both axes
            PixelBuffer h = new PixelBuffer(2, 1, 4, new byte[] {(byte) 255, 0, 0, 0, 0, 0, (byte) 255, (byte) 255});
            PixelBuffer h2 = new PixelBuffer(2, 1, 4, new byte[] {0, 0, (byte) 255, (byte) 255, (byte) 255, 0, 0, 0});
            PixelBuffer v = new PixelBuffer(1, 2, 4, new byte[] {(byte) 255, 0, 0, 0, 0, 0, (byte) 255, (byte) 255});
            for (PixelBuffer src : new PixelBuffer[] {h, h2, v}) {
                for (int[] size : new int[][] {{1, 1}, {src.width() * 3, src.height() * 3}, {src.width() * 5 + 2, src.height() * 4 + 1}}) {
                    PixelBuffer out = resize(src, f, size[0], size[1]);
                    boolean sawTranslucent = false;
                    for (int p = 0; p < out.width() * out.height(); p++) {
                        int r = out.data()[p * 4] & 0xFF, g = out.data()[p * 4 + 1] & 0xFF, b = out.data()[p * 4 + 2] & 0xFF;
                        int a = out.data()[p * 4 + 3] & 0xFF;
                        assertEquals(0, r, f + " " + out + " pixel " + p + " has red (alpha " + a + ")");
                        assertEquals(0, g, f + " " + out + " pixel " + p);
                        if (a > 0) assertEquals(255, b, f + " " + out + " pixel " + p + " alpha " + a);
                        if (a > 0 && a < 255) sawTranslucent = true;
                    }
                    // (a box enlarging by an integer factor is nearest-neighbour and blends nothing)
                    if (f != Filter.BOX || size[0] == 1) assertTrue(sawTranslucent, f + " " + out + ": expected blended alpha somewhere");
                }
            }
            // grey + alpha: transparent white beside opaque black stays black
            PixelBuffer ga = new PixelBuffer(2, 1, 2, new byte[] {(byte) 255, 0, 0, (byte) 255});
            PixelBuffer out = resize(ga, f, 1, 1);
            assertEquals(0, out.sample(0, 0, 0), f.toString());
            assertTrue(out.sample(0, 0, 1) > 0 && out.sample(0, 0, 1) < 255, f + " alpha " + out.sample(0, 0, 1));
        }
    }

    /** 1-px checkerboard shrunk by an integer factor: the kernels average it to mid grey away from the border. */
    @Test
    void fineCheckerboardShrinksToMidGrey() {
        int n = 168; // divisible by 2, 3, 4 and 7
        for (int ch : new int[] {1, 3}) {
            byte[] d = new byte[n * n * ch];
            for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) for (int c = 0; c < ch; c++) d[(y * n + x) * ch + c] = (byte) ((x + y) % 2 == 0 ? 255 : 0);
            PixelBuffer src = new PixelBuffer(n, n, ch, d);
            for (Filter f : Filter.values()) {
                for (int factor : new int[] {2, 3, 4, 7}) {
                    int out = n / factor;
                    PixelBuffer r = resize(src, f, out, out);
                    int checked = 0;
                    for (int y = 0; y < out; y++) {
                        for (int x = 0; x < out; x++) {
                            if (!interior(f, n, out, x) || !interior(f, n, out, y)) continue;
                            int lo = 126, hi = 129;
                            if (f == Filter.BOX && factor % 2 == 1) {
                                // a box over an odd block is the block's mean: one more pixel of the corner's colour
                                int bright = (factor * factor + ((x + y) % 2 == 0 ? 1 : -1)) / 2;
                                double mean = 255.0 * bright / (factor * factor);
                                lo = (int) Math.floor(mean) - 1;
                                hi = (int) Math.ceil(mean) + 1;
                            }
                            for (int c = 0; c < ch; c++) {
                                int v = r.sample(x, y, c);
                                assertTrue(v >= lo && v <= hi, f + " /" + factor + " (" + x + "," + y + ") = " + v + " not in " + lo + ".." + hi);
                            }
                            checked++;
                        }
                    }
                    assertTrue(checked > 0, f + " /" + factor + ": no interior pixel");
                }
            }
        }
    }

    /** Output sample {@code i}'s kernel lies wholly inside the axis (no clamped taps). */
    private static boolean interior(Filter f, int in, int out, int i) {
        double scale = (double) in / out, support = f.support() * Math.max(scale, 1);
        double c = (i + 0.5) * scale;
        return c - support >= 0 && c + support <= in;
    }

    @Test
    void stepEdgeStaysMonotonicForPositiveKernels() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (Filter f : new Filter[] {Filter.BOX, Filter.TRIANGLE}) {
            for (int[] s : new int[][] {{40, 6, 13, 5}, {40, 6, 97, 9}, {41, 5, 40, 5}, {7, 3, 50, 2}}) {
                for (int ch : new int[] {1, 3}) {
                    int edge = 1 + rnd.nextInt(s[0] - 1), hiV = 128 + rnd.nextInt(128), loV = rnd.nextInt(128);
                    byte[] d = new byte[s[0] * s[1] * ch];
                    for (int y = 0; y < s[1]; y++) for (int x = 0; x < s[0]; x++) for (int c = 0; c < ch; c++) d[(y * s[0] + x) * ch + c] = (byte) (x < edge ? hiV : loV);
                    PixelBuffer out = resize(new PixelBuffer(s[0], s[1], ch, d), f, s[2], s[3]);
                    for (int y = 0; y < s[3]; y++) {
                        for (int c = 0; c < ch; c++) {
                            assertTrue(out.sample(0, y, c) > out.sample(s[2] - 1, y, c), f + " the step vanished");
                            for (int x = 1; x < s[2]; x++) {
                                assertTrue(out.sample(x, y, c) <= out.sample(x - 1, y, c), f + " not monotonic at " + x + " " + java.util.Arrays.toString(s));
                                assertTrue(out.sample(x, y, c) >= loV && out.sample(x, y, c) <= hiV, f + " overshoot at " + x);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Reads past an edge clamp to the edge pixel; they must never wrap to the opposite side. */
    @Test
    void edgesClampAndDoNotWrap() {
        for (Filter f : Filter.values()) {
            for (int[] s : new int[][] {{64, 32}, {64, 128}, {64, 21}, {64, 64}}) {
                int n = 64;
                byte[] d = new byte[n * n * 3];
                // bright band on the left and the top quarter, dark elsewhere
                for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) for (int c = 0; c < 3; c++) d[(y * n + x) * 3 + c] = (byte) (x < 16 || y < 16 ? 255 : 0);
                int out = s[1];
                PixelBuffer r = resize(new PixelBuffer(n, n, 3, d), f, out, out);
                for (int i = 0; i < out; i++) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(255, r.sample(0, i, c), f + " left column, row " + i + " -> " + out);
                        assertEquals(255, r.sample(i, 0, c), f + " top row, column " + i + " -> " + out);
                    }
                }
                for (int c = 0; c < 3; c++) assertEquals(0, r.sample(out - 1, out - 1, c), f + " bottom-right corner -> " + out);
            }
        }
    }

    /** Agreement within 1 per channel with the double-precision direct 2D sum of the definition. */
    @Test
    void agreesWithIndependentDoublePrecisionReference() {
        SplittableRandom rnd = new SplittableRandom(4);
        Filter[] filters = Filter.values();
        int exact = 0, total = 0;
        for (int t = 0; t < 300; t++) {
            Filter f = filters[t % filters.length];
            int ch = 1 + (t / filters.length) % 4;
            int inW = 1 + rnd.nextInt(48), inH = 1 + rnd.nextInt(48), outW = 1 + rnd.nextInt(48), outH = 1 + rnd.nextInt(48);
            double x0 = 0, xl = inW, y0 = 0, yl = inH;
            if (t % 3 == 0) { // a crop window as cover produces
                xl = inW * (0.3 + 0.7 * rnd.nextDouble());
                x0 = (inW - xl) * rnd.nextDouble();
                yl = inH * (0.3 + 0.7 * rnd.nextDouble());
                y0 = (inH - yl) * rnd.nextDouble();
            }
            PixelBuffer src = random(rnd, inW, inH, ch);
            if (t % 4 == 1 && src.hasAlpha()) { // runs of fully transparent and opaque pixels
                for (int p = 0; p < inW * inH; p++) src.data()[p * ch + ch - 1] = (byte) (rnd.nextInt(3) == 0 ? 0 : rnd.nextBoolean() ? 255 : rnd.nextInt(256));
            }
            PixelBuffer out = Resampler.resize(src, ResampleWeights.compute(f, inW, outW, x0, xl), ResampleWeights.compute(f, inH, outH, y0, yl));
            double[][][] want = Reference.resizeExact(src, Reference.weights(f, inW, outW, x0, xl), Reference.weights(f, inH, outH, y0, yl));
            String what = f + " " + inW + "x" + inH + "x" + ch + " -> " + outW + "x" + outH + " window " + x0 + "+" + xl + ", " + y0 + "+" + yl;
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    double a = src.hasAlpha() ? want[y][x][ch - 1] : 255;
                    for (int c = 0; c < ch; c++) {
                        // colour of a pixel whose alpha rounds to 0 is not part of the image
                        if (src.hasAlpha() && c < ch - 1 && a < 0.5) continue;
                        int w = Reference.toByte(want[y][x][c]), g = out.sample(x, y, c);
                        if (Math.abs(w - g) > 1) fail(what + ": (" + x + "," + y + "," + c + ") = " + g + ", reference " + want[y][x][c]);
                        total++;
                        if (w == g) exact++;
                    }
                }
            }
        }
        // float accumulation only moves values that sit on a rounding boundary
        assertTrue(exact > 0.99 * total, exact + " of " + total + " exact");
    }

    /** The optimised resampler performs the same float operations per sample as the plain loop: same bytes. */
    @Test
    void sameBytesAsThePlainImplementation() {
        SplittableRandom rnd = new SplittableRandom(5);
        Filter[] filters = Filter.values();
        for (int t = 0; t < 200; t++) {
            Filter f = filters[t % filters.length];
            int ch = 1 + (t / filters.length) % 4;
            boolean big = t % 10 == 0;
            int inW = 1 + rnd.nextInt(big ? 900 : 70), inH = 1 + rnd.nextInt(big ? 600 : 70);
            int outW = 1 + rnd.nextInt(big ? 60 : 90), outH = 1 + rnd.nextInt(big ? 60 : 90);
            double xl = inW * (0.3 + 0.7 * rnd.nextDouble()), x0 = (inW - xl) * rnd.nextDouble();
            double yl = inH * (0.3 + 0.7 * rnd.nextDouble()), y0 = (inH - yl) * rnd.nextDouble();
            if (t % 2 == 0) {
                x0 = y0 = 0;
                xl = inW;
                yl = inH;
            }
            PixelBuffer src = random(rnd, inW, inH, ch);
            ResampleWeights wx = ResampleWeights.compute(f, inW, outW, x0, xl), wy = ResampleWeights.compute(f, inH, outH, y0, yl);
            PixelBuffer want = NaiveResampler.resize(src, wx, wy), got = Resampler.resize(src, wx, wy);
            assertEquals(want.width(), got.width());
            assertEquals(want.height(), got.height());
            assertArrayEquals(want.data(), got.data(), f + " " + src + " -> " + outW + "x" + outH);
        }
    }

    @Test
    void rejectsWeightsForAnotherSize() {
        PixelBuffer src = PixelBuffer.allocate(10, 8, 3);
        ResampleWeights w10 = ResampleWeights.compute(Filter.BOX, 10, 5), w8 = ResampleWeights.compute(Filter.BOX, 8, 4);
        assertThrows(IllegalArgumentException.class, () -> Resampler.resize(src, w8, w8));
        assertThrows(IllegalArgumentException.class, () -> Resampler.resize(src, w10, w10));
        assertEquals(5, Resampler.resize(src, w10, w8).width());
    }
}
