package dev.gpupool.device;

import dev.gpupool.image.Filter;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.ResampleWeights;
import dev.gpupool.image.Resampler;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The check that makes a device "usable": a small batch (1 to 4 channels, shrinking and enlarging)
 * through the device's resizer (staging memory, device memory, both kernels), compared with the CPU
 * reference. A driver that loads the kernels but cannot run them fails here, in the probe, and
 * {@code auto} moves on, instead of failing the user's batch.
 */
public final class SelfCheck {
    private SelfCheck() {
    }

    /** Runs the check batch; throws with the first wrong sample. */
    public static void run(DeviceResizer r) throws DeviceException {
        List<ResizeRequest> batch = new ArrayList<>();
        Random rnd = new Random(7);
        for (int ch = 1; ch <= 4; ch++) {
            byte[] px = new byte[13 * 9 * ch];
            rnd.nextBytes(px);
            int w = ch % 2 == 0 ? 5 : 21, h = ch % 2 == 0 ? 4 : 15;
            batch.add(new ResizeRequest(new PixelBuffer(13, 9, ch, px), ResampleWeights.compute(Filter.LANCZOS3, 13, w),
                    ResampleWeights.compute(Filter.LANCZOS3, 9, h)));
        }
        List<PixelBuffer> got = r.resize(batch);
        for (int i = 0; i < batch.size(); i++) {
            ResizeRequest q = batch.get(i);
            byte[] a = Resampler.resize(q.src(), q.x(), q.y()).data(), b = got.get(i).data();
            if (a.length != b.length) throw new DeviceException(r.deviceName() + ": the resize gave " + b.length + " samples instead of " + a.length);
            for (int k = 0; k < a.length; k++) {
                if (Math.abs((a[k] & 0xFF) - (b[k] & 0xFF)) > 1) {
                    throw new DeviceException(r.deviceName() + ": the resize kernels give wrong pixels (check image " + i
                            + ", sample " + k + ": " + (b[k] & 0xFF) + " instead of " + (a[k] & 0xFF) + ")");
                }
            }
        }
    }
}
