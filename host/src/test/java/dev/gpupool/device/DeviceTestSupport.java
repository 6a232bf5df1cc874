package dev.gpupool.device;

import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.FitPlan;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** What every device backend's tests share: test images, resize requests, and the comparison with the CPU reference. */
public final class DeviceTestSupport {
    private DeviceTestSupport() {
    }

    /** A gradient plus noise (so resizes do not just average noise to grey); alpha mixes transparent, opaque and partial values. */
    public static PixelBuffer image(Random rnd, int w, int h, int ch) {
        byte[] data = new byte[w * h * ch];
        for (int p = 0; p < w * h; p++) {
            for (int c = 0; c < ch; c++) {
                data[p * ch + c] = (byte) (((p % w) * 255 / Math.max(1, w - 1) + c * 85 + rnd.nextInt(64)) & 0xFF);
            }
            if (ch == 2 || ch == 4) {
                int pick = rnd.nextInt(4);
                data[p * ch + ch - 1] = (byte) (pick == 0 ? 0 : pick == 1 ? 255 : rnd.nextInt(256));
            }
        }
        return new PixelBuffer(w, h, ch, data);
    }

    /** {@code src} fitted into {@code boxW x boxH} as the pipeline plans it. */
    public static ResizeRequest request(PixelBuffer src, int boxW, int boxH, Fit fit, boolean upscale, Filter filter) {
        FitPlan plan = FitPlan.of(src.width(), src.height(), boxW, boxH, fit, upscale);
        return new ResizeRequest(src, plan.weightsX(filter, src.width()), plan.weightsY(filter, src.height()));
    }

    /**
     * Asserts every output is within {@code tolerance} of {@link Resampler}'s (then the request's
     * {@link dev.gpupool.image.Sharpen}, when it has one) per sample, naming the
     * first sample that is not; returns {largest difference, samples that differ at all}.
     */
    public static long[] assertMatchesReference(List<ResizeRequest> batch, List<PixelBuffer> got, int tolerance, String what) {
        assertEquals(batch.size(), got.size(), what + ": result count");
        long maxDiff = 0, differing = 0;
        for (int i = 0; i < batch.size(); i++) {
            ResizeRequest r = batch.get(i);
            PixelBuffer want = dev.gpupool.image.Sharpen.apply(r.sharpen(), Resampler.resize(r.src(), r.x(), r.y()));
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
                if (d != 0) differing++;
                maxDiff = Math.max(maxDiff, d);
            }
        }
        return new long[]{maxDiff, differing};
    }

    /**
     * A batch for the device sharpening: every channel count, sharpened with the defaults, a wide sigma
     * (radius 9), threshold 0 and a strong amount, with unsharpened requests between them, and images of
     * 1 and 2 pixels across (every tap clamped).
     */
    public static List<ResizeRequest> sharpenBatch(Random rnd) {
        dev.gpupool.image.Sharpen[] kinds = {dev.gpupool.image.Sharpen.defaults(), null, new dev.gpupool.image.Sharpen(3f, 0.7f, 2f),
                new dev.gpupool.image.Sharpen(0.5f, 4f, 0f), new dev.gpupool.image.Sharpen(1.3f, 1.5f, 8f)};
        int[][] shapes = {{97, 61}, {61, 97}, {120, 40}, {1, 9}, {2, 2}};
        java.util.List<ResizeRequest> out = new java.util.ArrayList<>();
        int k = 0;
        for (int ch = 1; ch <= 4; ch++) {
            for (int[] s : shapes) {
                ResizeRequest r = request(image(rnd, s[0] * 2, s[1] * 2, ch), s[0], s[1], dev.gpupool.image.Fit.FILL, false,
                        dev.gpupool.image.Filter.LANCZOS3);
                out.add(new ResizeRequest(r.src(), r.x(), r.y(), kinds[k++ % kinds.length]));
            }
        }
        return out;
    }

    /** {@code batch} without its sharpening. */
    public static List<ResizeRequest> unsharpened(List<ResizeRequest> batch) {
        return batch.stream().map(r -> new ResizeRequest(r.src(), r.x(), r.y())).toList();
    }

    /** The largest difference between {@code got} and the CPU sharpening of the device's own unsharpened {@code plain}. */
    public static int sharpenDiff(List<ResizeRequest> batch, List<PixelBuffer> plain, List<PixelBuffer> got) {
        int m = 0;
        for (int i = 0; i < batch.size(); i++) {
            byte[] a = dev.gpupool.image.Sharpen.apply(batch.get(i).sharpen(), plain.get(i)).data(), b = got.get(i).data();
            assertEquals(a.length, b.length);
            for (int k = 0; k < a.length; k++) m = Math.max(m, Math.abs((a[k] & 0xFF) - (b[k] & 0xFF)));
        }
        return m;
    }
}
