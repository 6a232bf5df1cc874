package dev.gpupool.codec;

import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.FitPlan;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thumbnail made through shrink-on-load (decode at >= 2x the target, then lanczos3) must match the
 * reference (full-size decode, one lanczos3 resize) closely on photo-like images.
 */
class ShrinkOnLoadQualityTest {
    @Test
    void shrinkOnLoadThumbnailsMatchFullDecodeReference() throws Exception {
        int target = 256;
        // Sizes that 8 does not divide decode to rounded-up sizes: the geometry must use the exact M/8 scale.
        int[][] sizes = {{2000, 1500}, {1500, 2000}, {2048, 1536}, {1999, 1333}, {2400, 1000}, {2501, 1407}, {1283, 1921}};
        double sum = 0, worst = 99;
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            int w = sizes[i][0], h = sizes[i][1];
            byte[] jpeg = Codecs.encode(TestImages.photo(w, h, 100 + i), new EncodeOptions(OutputFormat.JPEG, 95, 0));
            FitPlan plan = FitPlan.of(w, h, target, target, Fit.CONTAIN, false);
            Decoded full = Codecs.decode(jpeg, DecodeOptions.defaults());
            Decoded shrunk = Codecs.decode(jpeg, new DecodeOptions(2 * plan.outWidth(), 2 * plan.outHeight(),
                    DecodeOptions.DEFAULT_MAX_PIXELS, false, true));
            assertTrue(shrunk.pixels().width() < w, "shrink-on-load must have shrunk " + w + "x" + h);
            assertTrue(shrunk.pixels().width() >= 2 * plan.outWidth() && shrunk.pixels().height() >= 2 * plan.outHeight());
            PixelBuffer ref = resize(plan, full, w, h);
            PixelBuffer thumb = resize(plan, shrunk, w, h);
            assertEquals(plan.outWidth(), thumb.width());
            double p = TestImages.psnr(ref, thumb);
            log.append(String.format(" %dx%d via %dx%d: %.2f dB;", w, h, shrunk.pixels().width(), shrunk.pixels().height(), p));
            sum += p;
            worst = Math.min(worst, p);
        }
        double mean = sum / sizes.length;
        System.out.println("shrink-on-load PSNR:" + log + " mean " + mean);
        assertTrue(mean >= 51.5, "mean PSNR " + mean + ":" + log);
        assertTrue(worst >= 42, "worst PSNR " + worst + ":" + log);
    }

    static PixelBuffer resize(FitPlan plan, Decoded d, int w, int h) {
        PixelBuffer px = d.pixels();
        double scale = FitPlan.decodeScale(w, h, px.width(), px.height());
        return Resampler.resize(px, plan.weightsX(Filter.LANCZOS3, px.width(), scale), plan.weightsY(Filter.LANCZOS3, px.height(), scale));
    }
}
