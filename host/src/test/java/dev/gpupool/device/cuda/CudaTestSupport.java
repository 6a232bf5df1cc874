package dev.gpupool.device.cuda;

import dev.gpupool.device.ProbeReport;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.FitPlan;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
import org.junit.jupiter.api.Assumptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Test images, requests, the comparison with the CPU reference, and the rule for a missing GPU. */
final class CudaTestSupport {
    private CudaTestSupport() {
    }

    /**
     * A usable CUDA report; without one the test is skipped with the probe's reason, or fails when
     * {@code -Dgpupool.requireGpu=true} (the GPU session sets it so that nothing skips silently).
     */
    static ProbeReport requireCuda() {
        ProbeReport r = new CudaProbe().probe(0);
        if (!r.usable()) {
            String msg = "no usable CUDA device: " + r.reason() + "; details: " + r.details();
            if (Boolean.getBoolean("gpupool.requireGpu")) fail("gpupool.requireGpu is set: " + msg);
            Assumptions.abort(msg);
        }
        return r;
    }

    /** Random pixels over a gradient; alpha mixes transparent, opaque and partial values. */
    static PixelBuffer image(Random rnd, int w, int h, int ch) {
        byte[] data = new byte[w * h * ch];
        for (int p = 0; p < w * h; p++) {
            for (int c = 0; c < ch; c++) {
                data[p * ch + c] = (byte) (((p % w) * 255 / Math.max(1, w - 1) + c * 70 + rnd.nextInt(48)) & 0xFF);
            }
            if (ch == 2 || ch == 4) {
                int pick = rnd.nextInt(4);
                data[p * ch + ch - 1] = (byte) (pick == 0 ? 0 : pick == 1 ? 255 : rnd.nextInt(256));
            }
        }
        return new PixelBuffer(w, h, ch, data);
    }

    static ResizeRequest request(PixelBuffer src, int boxW, int boxH, Fit fit, boolean upscale, Filter filter) {
        FitPlan plan = FitPlan.of(src.width(), src.height(), boxW, boxH, fit, upscale);
        return new ResizeRequest(src, plan.weightsX(filter, src.width()), plan.weightsY(filter, src.height()));
    }

    /** Every filter x fit (contain, cover, fill, upscale) x channel count 1..4, on odd-sized images. */
    static List<ResizeRequest> everyFilterFitAndChannelCount(long seed) {
        Random rnd = new Random(seed);
        List<ResizeRequest> out = new ArrayList<>();
        int[][] sizes = {{97, 61}, {61, 97}, {33, 33}, {129, 7}, {1, 1}};
        for (Filter f : Filter.values()) {
            for (int mode = 0; mode < 4; mode++) {
                Fit fit = mode == 3 ? Fit.CONTAIN : Fit.values()[mode % Fit.values().length];
                for (int ch = 1; ch <= 4; ch++) {
                    int[] s = sizes[(mode + ch) % sizes.length];
                    out.add(request(image(rnd, s[0], s[1], ch), mode == 3 ? 150 : 48, mode == 3 ? 140 : 37, fit, mode == 3, f));
                }
            }
        }
        return out;
    }

    /** Asserts every output is within {@code tolerance} of the reference per sample; returns the largest difference. */
    static int assertMatchesReference(List<ResizeRequest> batch, List<PixelBuffer> got, int tolerance, String what) {
        assertEquals(batch.size(), got.size(), what + ": result count");
        int maxDiff = 0;
        for (int i = 0; i < batch.size(); i++) {
            ResizeRequest r = batch.get(i);
            PixelBuffer want = Resampler.resize(r.src(), r.x(), r.y());
            PixelBuffer g = got.get(i);
            String where = what + " image #" + i + " " + r.src() + " -> " + want;
            assertEquals(want.width(), g.width(), where + ": width");
            assertEquals(want.height(), g.height(), where + ": height");
            assertEquals(want.channels(), g.channels(), where + ": channels");
            byte[] a = want.data(), b = g.data();
            for (int k = 0; k < a.length; k++) {
                int d = Math.abs((a[k] & 0xFF) - (b[k] & 0xFF));
                if (d > tolerance) {
                    int px = k / want.channels();
                    fail(where + ": sample (" + px % want.width() + ", " + px / want.width() + ", c" + k % want.channels()
                            + ") is " + (b[k] & 0xFF) + ", reference " + (a[k] & 0xFF));
                }
                maxDiff = Math.max(maxDiff, d);
            }
        }
        return maxDiff;
    }
}
