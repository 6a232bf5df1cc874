package dev.gpupool.job;

import dev.gpupool.codec.Decoded;
import dev.gpupool.image.Crop;
import dev.gpupool.image.Fit;
import dev.gpupool.image.FitPlan;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --crop entropy|attention} for {@code --fit cover}: the window follows the subject, and only where it should. */
class SmartCropTest {
    static final int[] SKIN = {224, 172, 140};

    /**
     * A flat grey {@code w x h} image with a textured skin-toned disc of radius {@code r} at ({@code cx}, {@code cy}):
     * every other pixel of the disc a little darker, so it has edges as well as colour.
     */
    static PixelBuffer subject(int w, int h, int cx, int cy, int r) {
        byte[] d = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = (y * w + x) * 3;
                boolean in = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
                int dark = in && ((x / 4 + y / 4) % 2 == 0) ? 40 : 0;
                for (int c = 0; c < 3; c++) d[p + c] = (byte) (in ? SKIN[c] - dark : 128);
            }
        }
        return new PixelBuffer(w, h, 3, d);
    }

    static ThumbnailSpec spec(Fit fit, Crop crop, BoxSize... sizes) {
        ThumbnailSpec d = ThumbnailSpec.defaults();
        return new ThumbnailSpec(List.of(sizes), fit, d.filter(), d.format(), d.quality(), d.upscale(), d.autoRotate(),
                d.background(), d.maxPixels(), d.lenient()).withCrop(crop);
    }

    static List<ResizePlan> plans(PixelBuffer px, int fullW, int fullH, ThumbnailSpec spec) {
        return ThumbnailJob.plan(new Decoded(px, fullW, fullH, "png", List.of()), spec);
    }

    /** Whether some output pixel is within 12 of the disc's light skin colour. */
    static boolean hasSkin(PixelBuffer o) {
        for (int y = 0; y < o.height(); y++) {
            for (int x = 0; x < o.width(); x++) {
                boolean near = true;
                for (int c = 0; c < 3; c++) near &= Math.abs(o.sample(x, y, c) - SKIN[c]) <= 12;
                if (near) return true;
            }
        }
        return false;
    }

    static PixelBuffer render(PixelBuffer px, ResizePlan p) {
        return Resampler.resize(px, p.x(), p.y());
    }

    @Test
    void centreCutsTheSubjectOffSmartCropsKeepItWhole() {
        // 800x200, the disc spans x 40..160; cover into 100x100 keeps a 200x200 window.
        PixelBuffer px = subject(800, 200, 100, 100, 60);
        ResizePlan centre = plans(px, 800, 200, spec(Fit.COVER, Crop.CENTRE, new BoxSize(100, 100))).getFirst();
        assertEquals(300, centre.fit().cropX(), 1e-9);
        assertFalse(hasSkin(render(px, centre)), "the centred window misses the subject");
        for (Crop crop : List.of(Crop.ENTROPY, Crop.ATTENTION)) {
            ResizePlan p = plans(px, 800, 200, spec(Fit.COVER, crop, new BoxSize(100, 100))).getFirst();
            FitPlan f = p.fit();
            assertEquals(200, f.cropWidth(), 1e-9, crop + ": the window keeps its size");
            assertEquals(0, f.cropY(), 1e-9);
            assertTrue(f.cropX() <= 40 && f.cropX() + f.cropWidth() >= 160, crop + ": window " + f.cropX() + ".." + (f.cropX() + f.cropWidth()));
            PixelBuffer out = render(px, p);
            assertEquals(100, out.width());
            assertEquals(100, out.height());
            assertTrue(hasSkin(out), crop + ": the subject's colour is in the thumbnail");
        }
    }

    @Test
    void verticalOverflowAndShrinkOnLoad() {
        // A tall image with the disc near the bottom, decoded at half size: the window is in full-size units.
        PixelBuffer full = subject(200, 800, 100, 700, 60);
        PixelBuffer half = subject(100, 400, 50, 350, 30);
        for (Crop crop : List.of(Crop.ENTROPY, Crop.ATTENTION)) {
            FitPlan f = plans(half, 200, 800, spec(Fit.COVER, crop, new BoxSize(100, 100))).getFirst().fit();
            assertEquals(200, f.cropHeight(), 1e-9);
            assertTrue(f.cropY() <= 640 && f.cropY() + f.cropHeight() >= 760, crop + ": window y " + f.cropY());
            FitPlan g = plans(full, 200, 800, spec(Fit.COVER, crop, new BoxSize(100, 100))).getFirst().fit();
            assertEquals(f.cropY(), g.cropY(), 8, crop + ": about the same window whatever the decoded size");
        }
    }

    @Test
    void everySizeGetsItsOwnWindow() {
        PixelBuffer px = subject(800, 200, 100, 100, 60);
        // 100x100: a 200x200 window; 50x200 (no upscale: scale 1): a 50x200 window inside the disc's span.
        List<ResizePlan> ps = plans(px, 800, 200, spec(Fit.COVER, Crop.ATTENTION, new BoxSize(100, 100), new BoxSize(50, 200)));
        FitPlan square = ps.get(0).fit(), narrow = ps.get(1).fit();
        assertEquals(200, square.cropWidth(), 1e-9);
        assertEquals(50, narrow.cropWidth(), 1e-9);
        assertTrue(narrow.cropX() >= 40 && narrow.cropX() + 50 <= 160, "narrow window " + narrow.cropX());
        assertTrue(hasSkin(render(px, ps.get(1))));
    }

    @Test
    void flatImageStaysCentred() {
        byte[] d = new byte[400 * 100 * 3];
        java.util.Arrays.fill(d, (byte) 90);
        PixelBuffer px = new PixelBuffer(400, 100, 3, d);
        for (Crop crop : Crop.values()) {
            assertEquals(150, plans(px, 400, 100, spec(Fit.COVER, crop, new BoxSize(50, 50))).getFirst().fit().cropX(), 1.0, crop.name());
        }
    }

    @Test
    void containFillAndOneSidedSizesIgnoreCrop() {
        PixelBuffer px = subject(800, 200, 100, 100, 60);
        for (Crop crop : Crop.values()) {
            for (Fit fit : List.of(Fit.CONTAIN, Fit.FILL)) {
                FitPlan f = plans(px, 800, 200, spec(fit, crop, new BoxSize(100, 100))).getFirst().fit();
                assertEquals(FitPlan.of(800, 200, 100, 100, fit, false), f, fit + " " + crop);
            }
            for (BoxSize free : List.of(new BoxSize(256, 0), new BoxSize(0, 64))) {
                FitPlan f = plans(px, 800, 200, spec(Fit.COVER, crop, free)).getFirst().fit();
                assertEquals(0, f.cropX(), 1e-9);
                assertEquals(800, f.cropWidth(), 1e-9);
                assertEquals(200, f.cropHeight(), 1e-9);
            }
        }
    }

    @Test
    void specDefaultsToCentreAndTheWireCarriesTheCrop() throws Exception {
        assertEquals(Crop.CENTRE, ThumbnailSpec.defaults().crop());
        assertEquals(Crop.CENTRE, ThumbnailSpec.defaults().withCrop(null).crop());
        ThumbnailSpec s = spec(Fit.COVER, Crop.ATTENTION, new BoxSize(64, 64));
        assertEquals(Crop.ATTENTION, s.withMetadata(true, false).crop(), "withers keep the crop");
        ThumbnailRequest r = new ThumbnailRequest("a.jpg", Path.of("a.jpg"), null, List.of(Path.of("o.jpg")), s);
        assertEquals(Crop.ATTENTION, ThumbnailRequest.fromBytes(r.toBytes()).spec().crop());
        assertEquals(s, ThumbnailRequest.fromBytes(r.toBytes()).spec());
    }

    @Test
    void parse() {
        assertEquals(Crop.CENTRE, Crop.parse("centre"));
        assertEquals(Crop.CENTRE, Crop.parse("Center"));
        assertEquals(Crop.ENTROPY, Crop.parse("entropy"));
        assertEquals(Crop.ATTENTION, Crop.parse(" ATTENTION "));
        assertThrows(IllegalArgumentException.class, () -> Crop.parse("smart"));
    }
}
