package dev.gpupool.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ResampleWeightsTest {

    /** (inSize, outSize) pairs: identity, 1-pixel ends, upscales, odd ratios, a huge shrink. */
    private static final int[][] SIZES = {
            {1, 1}, {1, 7}, {7, 1}, {2, 1}, {1, 2}, {2, 3}, {3, 2}, {5, 5}, {10, 3}, {3, 10}, {33, 100},
            {100, 33}, {256, 255}, {255, 256}, {1000, 999}, {1500, 256}, {4000, 171}, {6000, 1}, {6000, 7},
    };

    /** Every (filter, size) pair above, plus random windows inside the axis. */
    private static List<Object[]> cases() {
        List<Object[]> cases = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(42);
        for (Filter f : Filter.values()) {
            for (int[] s : SIZES) {
                cases.add(new Object[] {f, s[0], s[1], 0.0, (double) s[0]});
                for (int r = 0; r < 3; r++) {
                    double len = s[0] * (0.05 + 0.95 * rnd.nextDouble());
                    double start = (s[0] - len) * rnd.nextDouble();
                    cases.add(new Object[] {f, s[0], s[1], start, len});
                }
            }
        }
        return cases;
    }

    private static String describe(Object[] c) {
        return c[0] + " " + c[1] + "->" + c[2] + " window [" + c[3] + ", +" + c[4] + ")";
    }

    @Test
    void everyRowSumsToOne() {
        for (Object[] c : cases()) {
            ResampleWeights w = ResampleWeights.compute((Filter) c[0], (int) c[1], (int) c[2], (double) c[3], (double) c[4]);
            assertEquals((int) c[2], w.outSize(), describe(c));
            assertEquals((int) c[1], w.inSize(), describe(c));
            for (int i = 0; i < w.outSize(); i++) {
                double sum = 0;
                for (int k = 0; k < w.taps(); k++) sum += w.weight(i, k);
                assertEquals(1.0, sum, 1e-5, describe(c) + " row " + i);
            }
        }
    }

    @Test
    void windowStaysInsideTheAxisWhenItFits() {
        for (Object[] c : cases()) {
            ResampleWeights w = ResampleWeights.compute((Filter) c[0], (int) c[1], (int) c[2], (double) c[3], (double) c[4]);
            assertTrue(w.taps() >= 1, describe(c));
            if (w.taps() > w.inSize()) continue; // the reader clamps; nothing promised about first
            for (int i = 0; i < w.outSize(); i++) {
                assertTrue(w.first(i) >= 0 && w.first(i) + w.taps() <= w.inSize(),
                        describe(c) + " row " + i + ": first " + w.first(i) + " taps " + w.taps());
            }
        }
    }

    @Test
    void tablesAgreeWithTheDefinitionComputedIndependently() {
        for (Object[] c : cases()) {
            Filter f = (Filter) c[0];
            int in = (int) c[1], out = (int) c[2];
            if ((long) in * out > 2_000_000) continue; // dense matrices; 6000->7 is still covered
            double[][] got = Reference.dense(ResampleWeights.compute(f, in, out, (double) c[3], (double) c[4]));
            double[][] want = Reference.weights(f, in, out, (double) c[3], (double) c[4]);
            for (int i = 0; i < out; i++) {
                for (int j = 0; j < in; j++) {
                    assertEquals(want[i][j], got[i][j], 1e-6, describe(c) + " w[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void tablesAreCopiesOfTheTable() {
        ResampleWeights w = ResampleWeights.compute(Filter.LANCZOS3, 100, 33);
        int[] first = w.firstTable();
        float[] weights = w.weightTable();
        assertEquals(w.outSize(), first.length);
        assertEquals(w.outSize() * w.taps(), weights.length);
        for (int i = 0; i < w.outSize(); i++) {
            assertEquals(w.first(i), first[i]);
            for (int k = 0; k < w.taps(); k++) assertEquals(w.weight(i, k), weights[i * w.taps() + k]);
        }
        first[0] = 99;
        weights[0] = 99f;
        assertTrue(w.first(0) != 99 && w.weight(0, 0) != 99f, "tables must be copies");
    }

    /** A shrink by an integer factor has every output centred between pixels the same way: mirror-symmetric. */
    @Test
    void centredIntegerShrinkIsSymmetric() {
        for (Filter f : Filter.values()) {
            for (int factor : new int[] {2, 3, 4, 7}) {
                int out = 12, in = out * factor;
                double[][] m = Reference.dense(ResampleWeights.compute(f, in, out));
                for (int i = 0; i < out; i++) {
                    for (int j = 0; j < in; j++) {
                        // the whole resize mirrors: output i from pixel j == output out-1-i from pixel in-1-j
                        assertEquals(m[i][j], m[out - 1 - i][in - 1 - j], 1e-6, f + " /" + factor + " i=" + i + " j=" + j);
                        // and each row's kernel is symmetric about its centre (c = i*factor + factor/2)
                        int mirror = 2 * i * factor + factor - 1 - j;
                        if (mirror >= 0 && mirror < in && rowInterior(f, in, out, i)) {
                            assertEquals(m[i][j], m[i][mirror], 1e-6, f + " /" + factor + " i=" + i + " j=" + j);
                        }
                    }
                }
            }
        }
    }

    private static boolean rowInterior(Filter f, int in, int out, int i) {
        double scale = (double) in / out, support = f.support() * Math.max(scale, 1);
        double c = (i + 0.5) * scale;
        return c - support >= 0 && c + support <= in;
    }

    @Test
    void sameSizeIsTheIdentityForInterpolatingFilters() {
        for (Filter f : new Filter[] {Filter.BOX, Filter.TRIANGLE, Filter.LANCZOS3}) {
            double[][] m = Reference.dense(ResampleWeights.compute(f, 37, 37));
            for (int i = 0; i < 37; i++) {
                for (int j = 0; j < 37; j++) assertEquals(i == j ? 1.0 : 0.0, m[i][j], 1e-6, f + " " + i + "," + j);
            }
        }
    }

    /** Mitchell with B = 1/3 does not interpolate: at scale 1 it is the kernel (1/18, 16/18, 1/18). */
    @Test
    void sameSizeMitchellIsItsKernel() {
        double[][] m = Reference.dense(ResampleWeights.compute(Filter.MITCHELL, 37, 37));
        for (int i = 1; i < 36; i++) {
            for (int j = 0; j < 37; j++) {
                double want = j == i ? 16.0 / 18 : Math.abs(j - i) == 1 ? 1.0 / 18 : 0.0;
                assertEquals(want, m[i][j], 1e-6, i + "," + j);
            }
        }
        assertEquals(17.0 / 18, m[0][0], 1e-6, "the edge pixel takes the clamped tap");
    }

    @Test
    void onePixelInputIsCopiedToEveryOutput() {
        for (Filter f : Filter.values()) {
            ResampleWeights w = ResampleWeights.compute(f, 1, 9);
            double[][] m = Reference.dense(w);
            for (int i = 0; i < 9; i++) assertEquals(1.0, m[i][0], 1e-6, f.toString());
        }
    }

    @Test
    void hugeShrinkToOnePixelAveragesEverything() {
        // box: the plain mean; the others: symmetric about the centre, all pixels taking part
        double[][] box = Reference.dense(ResampleWeights.compute(Filter.BOX, 6000, 1));
        for (int j = 0; j < 6000; j++) assertEquals(1.0 / 6000, box[0][j], 1e-9);
        for (Filter f : Filter.values()) {
            double[][] m = Reference.dense(ResampleWeights.compute(f, 6000, 1));
            for (int j = 0; j < 3000; j++) assertEquals(m[0][j], m[0][5999 - j], 1e-7, f + " j=" + j);
        }
    }

    /** The centred cover crop of 4000 wide into 256 reads the window [500, 3500), centred on 2000. */
    @Test
    void coverCropWindowIsCentred() {
        for (Filter f : Filter.values()) {
            double[][] m = Reference.dense(ResampleWeights.compute(f, 4000, 256, 500, 3000));
            for (int i = 0; i < 256; i++) {
                for (int j = 0; j < 4000; j++) assertEquals(m[i][j], m[255 - i][3999 - j], 1e-6, f + " " + i + "," + j);
            }
        }
        // a box reads exactly the window: nothing left of 500, nothing right of 3499
        double[][] box = Reference.dense(ResampleWeights.compute(Filter.BOX, 4000, 256, 500, 3000));
        for (int i = 0; i < 256; i++) {
            for (int j = 0; j < 4000; j++) {
                if (j < 500 || j >= 3500) assertEquals(0.0, box[i][j], 0.0, "box read " + j + " for " + i);
            }
        }
        assertTrue(box[0][500] > 0 && box[255][3499] > 0, "box must reach both window edges");
        // interior outputs of a window crop are the same as resizing the cropped axis
        for (Filter f : Filter.values()) {
            double[][] crop = Reference.dense(ResampleWeights.compute(f, 4000, 256, 500, 3000));
            double[][] whole = Reference.dense(ResampleWeights.compute(f, 3000, 256));
            for (int i = 0; i < 256; i++) {
                if (!rowInterior(f, 3000, 256, i)) continue;
                for (int j = 0; j < 3000; j++) assertEquals(whole[i][j], crop[i][j + 500], 1e-6, f + " " + i + "," + j);
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> ResampleWeights.compute(Filter.BOX, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> ResampleWeights.compute(Filter.BOX, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> ResampleWeights.compute(Filter.BOX, 10, 5, -1, 5));
        assertThrows(IllegalArgumentException.class, () -> ResampleWeights.compute(Filter.BOX, 10, 5, 6, 5));
        assertThrows(IllegalArgumentException.class, () -> ResampleWeights.compute(Filter.BOX, 10, 5, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> ResampleWeights.compute(Filter.BOX, 10, 5, 0, Double.NaN));
    }
}
