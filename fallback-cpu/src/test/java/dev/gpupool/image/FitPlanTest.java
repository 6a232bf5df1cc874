package dev.gpupool.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FitPlanTest {

    private static void assertPlan(FitPlan p, int w, int h, double cx, double cy, double cw, double ch) {
        assertEquals(w, p.outWidth(), p.toString());
        assertEquals(h, p.outHeight(), p.toString());
        assertEquals(cx, p.cropX(), 1e-6, p.toString());
        assertEquals(cy, p.cropY(), 1e-6, p.toString());
        assertEquals(cw, p.cropWidth(), 1e-6, p.toString());
        assertEquals(ch, p.cropHeight(), 1e-6, p.toString());
    }

    @Test
    void contain() {
        assertPlan(FitPlan.of(4000, 3000, 256, 256, Fit.CONTAIN, true), 256, 192, 0, 0, 4000, 3000);
        assertPlan(FitPlan.of(3000, 4000, 256, 256, Fit.CONTAIN, true), 192, 256, 0, 0, 3000, 4000);
        assertPlan(FitPlan.of(4000, 3000, 256, 256, Fit.CONTAIN, false), 256, 192, 0, 0, 4000, 3000);
        assertPlan(FitPlan.of(100, 50, 256, 256, Fit.CONTAIN, false), 100, 50, 0, 0, 100, 50);
        assertPlan(FitPlan.of(100, 50, 256, 256, Fit.CONTAIN, true), 256, 128, 0, 0, 100, 50);
        assertPlan(FitPlan.of(4000, 3000, 300, 100, Fit.CONTAIN, true), 133, 100, 0, 0, 4000, 3000);
    }

    /** {@code 256x} and {@code x256}: the free side (0) follows the aspect ratio, in every fit; never enlarged unless asked. */
    @Test
    void oneSidedBoxes() {
        for (Fit fit : Fit.values()) {
            assertPlan(FitPlan.of(4000, 1000, 256, 0, fit, false), 256, 64, 0, 0, 4000, 1000);
            assertPlan(FitPlan.of(4000, 1000, 0, 256, fit, false), 1024, 256, 0, 0, 4000, 1000);
            assertPlan(FitPlan.of(100, 50, 256, 0, fit, false), 100, 50, 0, 0, 100, 50);
            assertPlan(FitPlan.of(100, 50, 0, 256, fit, false), 100, 50, 0, 0, 100, 50);
            assertPlan(FitPlan.of(100, 50, 256, 0, fit, true), 256, 128, 0, 0, 100, 50);
            assertPlan(FitPlan.of(100, 50, 0, 256, fit, true), 512, 256, 0, 0, 100, 50);
            assertPlan(FitPlan.of(1, 60000, 256, 0, fit, true), 256, 65535, 0, 0, 1, 60000); // free side capped at 65535
        }
        assertThrows(IllegalArgumentException.class, () -> FitPlan.of(100, 100, 0, 0, Fit.CONTAIN, false));
    }

    @Test
    void cover() {
        assertPlan(FitPlan.of(4000, 3000, 256, 256, Fit.COVER, true), 256, 256, 500, 0, 3000, 3000);
        assertPlan(FitPlan.of(3000, 4000, 256, 256, Fit.COVER, true), 256, 256, 0, 500, 3000, 3000);
        assertPlan(FitPlan.of(4000, 3000, 256, 256, Fit.COVER, false), 256, 256, 500, 0, 3000, 3000);
        assertPlan(FitPlan.of(4000, 3000, 400, 100, Fit.COVER, true), 400, 100, 0, 1000, 4000, 1000);
        assertPlan(FitPlan.of(100, 50, 256, 256, Fit.COVER, true), 256, 256, 25, 0, 50, 50);
        // never enlarged: a smaller image keeps min(box, src) per side, centre-cropped where it overflows
        assertPlan(FitPlan.of(100, 50, 256, 256, Fit.COVER, false), 100, 50, 0, 0, 100, 50);
        assertPlan(FitPlan.of(300, 100, 256, 256, Fit.COVER, false), 256, 100, 22, 0, 256, 100);
        assertPlan(FitPlan.of(100, 300, 256, 256, Fit.COVER, false), 100, 256, 0, 22, 100, 256);
    }

    @Test
    void fill() {
        assertPlan(FitPlan.of(4000, 3000, 256, 256, Fit.FILL, true), 256, 256, 0, 0, 4000, 3000);
        assertPlan(FitPlan.of(4000, 3000, 256, 256, Fit.FILL, false), 256, 256, 0, 0, 4000, 3000);
        assertPlan(FitPlan.of(100, 50, 256, 256, Fit.FILL, true), 256, 256, 0, 0, 100, 50);
        assertPlan(FitPlan.of(100, 50, 256, 256, Fit.FILL, false), 100, 50, 0, 0, 100, 50);
        assertPlan(FitPlan.of(300, 100, 256, 256, Fit.FILL, false), 256, 100, 0, 0, 300, 100);
    }

    @Test
    void randomPlansKeepTheirPromises() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int t = 0; t < 20_000; t++) {
            int sw = 1 + rnd.nextInt(t % 2 == 0 ? 9000 : 300), sh = 1 + rnd.nextInt(t % 3 == 0 ? 9000 : 300);
            int bw = 1 + rnd.nextInt(600), bh = 1 + rnd.nextInt(600);
            boolean up = rnd.nextBoolean();
            for (Fit fit : Fit.values()) {
                FitPlan p = FitPlan.of(sw, sh, bw, bh, fit, up);
                String what = sw + "x" + sh + " into " + bw + "x" + bh + " " + fit + (up ? " upscale " : " ") + p;
                int w = p.outWidth(), h = p.outHeight();
                assertTrue(w >= 1 && h >= 1, what);
                assertTrue(w <= bw && h <= bh, "larger than the box: " + what);
                if (!up) assertTrue(w <= sw && h <= sh, "enlarged: " + what);
                assertEquals(sw, p.srcWidth(), what);
                assertEquals(sh, p.srcHeight(), what);
                // the window lies inside the source
                assertTrue(p.cropX() >= 0 && p.cropY() >= 0 && p.cropWidth() > 0 && p.cropHeight() > 0, what);
                assertTrue(p.cropX() + p.cropWidth() <= sw + 1e-9 && p.cropY() + p.cropHeight() <= sh + 1e-9, what);
                switch (fit) {
                    case CONTAIN -> {
                        assertPlanIsWholeImage(p, what);
                        // one side touches the box, unless the image is kept at its size
                        assertTrue(w == bw || h == bh || (!up && (w == sw || h == sh)), "touches nothing: " + what);
                        // aspect within rounding: |h*sw - w*sh| <= (sw + sh) / 2, unless a side hit the 1-pixel floor
                        if (w > 1 && h > 1) assertTrue(Math.abs((double) h * sw - (double) w * sh) <= (sw + sh) / 2.0 + 1e-9, "aspect: " + what);
                    }
                    case COVER -> {
                        if (up) assertTrue(w == bw && h == bh, "cover fills the box: " + what);
                        else assertTrue(w == Math.min(bw, sw) && h == Math.min(bh, sh), "cover without enlarging: " + what);
                        // the window has the output's aspect (within the rounding of the output size) and is centred
                        assertEquals(sw - p.cropWidth(), 2 * p.cropX(), 1e-6, "centred: " + what);
                        assertEquals(sh - p.cropHeight(), 2 * p.cropY(), 1e-6, "centred: " + what);
                        double s = Math.min(w / p.cropWidth(), h / p.cropHeight());
                        assertTrue(Math.abs(p.cropWidth() * s - w) <= 1 && Math.abs(p.cropHeight() * s - h) <= 1, "window aspect: " + what);
                        // and covers: one side of the window is the whole source side
                        assertTrue(Math.abs(p.cropWidth() - sw) < 1e-6 || Math.abs(p.cropHeight() - sh) < 1e-6, "cropped both sides: " + what);
                    }
                    case FILL -> {
                        assertPlanIsWholeImage(p, what);
                        assertEquals(up ? bw : Math.min(bw, sw), w, what);
                        assertEquals(up ? bh : Math.min(bh, sh), h, what);
                    }
                }
            }
        }
    }

    private static void assertPlanIsWholeImage(FitPlan p, String what) {
        assertEquals(0.0, p.cropX(), what);
        assertEquals(0.0, p.cropY(), what);
        assertEquals(p.srcWidth(), p.cropWidth(), 0.0, what);
        assertEquals(p.srcHeight(), p.cropHeight(), 0.0, what);
    }

    @Test
    void extremeAspectRatiosNeverGiveAnEmptySide() {
        for (Fit fit : Fit.values()) {
            for (boolean up : new boolean[] {true, false}) {
                FitPlan wide = FitPlan.of(100_000, 1, 256, 256, fit, up), tall = FitPlan.of(1, 100_000, 256, 256, fit, up);
                assertTrue(wide.outWidth() >= 1 && wide.outHeight() >= 1, wide.toString());
                assertTrue(tall.outWidth() >= 1 && tall.outHeight() >= 1, tall.toString());
                ResampleWeights wx = wide.weightsX(Filter.LANCZOS3, 100_000), wy = wide.weightsY(Filter.LANCZOS3, 1);
                assertEquals(wide.outWidth(), wx.outSize());
                assertEquals(wide.outHeight(), wy.outSize());
            }
        }
    }

    /** A JPEG decoded at 1/8 scale is resampled with the same output size through the window scaled by 1/8. */
    @Test
    void weightsOnShrinkOnLoadDecodedSize() {
        for (Fit fit : Fit.values()) {
            FitPlan p = FitPlan.of(4000, 3000, 256, 256, fit, true);
            for (Filter f : Filter.values()) {
                ResampleWeights full = p.weightsX(f, 4000), x = p.weightsX(f, 500), y = p.weightsY(f, 375);
                assertEquals(500, x.inSize());
                assertEquals(375, y.inSize());
                assertEquals(p.outWidth(), x.outSize());
                assertEquals(p.outHeight(), y.outSize());
                assertEquals(full.outSize(), x.outSize());
                // the decoded image is read through the plan's window divided by 8 (cover: [62.5, 437.5) by [0, 375))
                assertWeights(Reference.weights(f, 500, p.outWidth(), p.cropX() / 8, p.cropWidth() / 8), x, f + " " + fit + " x");
                assertWeights(Reference.weights(f, 375, p.outHeight(), p.cropY() / 8, p.cropHeight() / 8), y, f + " " + fit + " y");
                assertWeights(Reference.weights(f, 4000, p.outWidth(), p.cropX(), p.cropWidth()), full, f + " " + fit + " full");
            }
        }
        FitPlan cover = FitPlan.of(4000, 3000, 256, 256, Fit.COVER, true);
        // box at 1/8 scale: the window starts at 62.5, so nothing left of pixel 62 is read (nor right of 437)
        double[][] box = Reference.dense(cover.weightsX(Filter.BOX, 500));
        for (int j = 0; j < 62; j++) assertEquals(0.0, box[0][j], 0.0, "read left of the window: " + j);
        for (int j = 438; j < 500; j++) assertEquals(0.0, box[255][j], 0.0, "read right of the window: " + j);
    }

    private static void assertWeights(double[][] want, ResampleWeights got, String what) {
        double[][] m = Reference.dense(got);
        assertEquals(want.length, m.length, what);
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) assertEquals(want[i][j], m[i][j], 1e-6, what + " [" + i + "][" + j + "]");
        }
    }

    @Test
    void rejectsEmptySizes() {
        assertThrows(IllegalArgumentException.class, () -> FitPlan.of(0, 10, 10, 10, Fit.CONTAIN, true));
        // a 0 side of the box is a free side (256x, x256; see oneSidedBoxes), but not both, nor a negative one
        assertThrows(IllegalArgumentException.class, () -> FitPlan.of(10, 10, 0, 0, Fit.COVER, true));
        assertThrows(IllegalArgumentException.class, () -> FitPlan.of(10, 10, 10, -1, Fit.COVER, true));
    }
}
