package dev.gpupool.device.opencl;

import dev.gpupool.device.DeviceTestSupport;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Throwaway measurement (not a test): input megapixels per second of 1500x1000x3 -> 256x171 lanczos3,
 * OpenCL (first usable device, CPU devices allowed) in batches of 1, 4 and 16 versus Resampler on one
 * thread; prints medians. Run with the test class path:
 * {@code java -cp host/target/classes:host/target/test-classes:fallback-cpu/target/classes:jocl.jar dev.gpupool.device.opencl.OpenClResizeBench}
 */
public final class OpenClResizeBench {
    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Random rnd = new Random(1);
        List<ResizeRequest> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.add(DeviceTestSupport.request(DeviceTestSupport.image(rnd, 1500, 1000, 3), 256, 256, Fit.CONTAIN, false, Filter.LANCZOS3));
        }
        double mp = 1500 * 1000 / 1e6;
        double[] cpu = new double[reps];
        for (int r = -2; r < reps; r++) {
            long t0 = System.nanoTime();
            Resampler.resize(all.get(0).src(), all.get(0).x(), all.get(0).y());
            if (r >= 0) cpu[r] = mp / ((System.nanoTime() - t0) / 1e9);
        }
        System.out.printf("Resampler, 1 thread: median %.1f MP/s%n", median(cpu));
        try (OpenClResizer cl = OpenClResizer.open(0, true, Files.createTempDirectory("gpupool-bench"))) {
            System.out.println(cl.deviceName() + ", options '" + cl.buildOptions() + "'");
            for (int batch : new int[]{1, 4, 16}) {
                List<ResizeRequest> b = all.subList(0, batch);
                double[] mps = new double[reps];
                for (int r = -2; r < reps; r++) {
                    long t0 = System.nanoTime();
                    cl.resize(b);
                    if (r >= 0) mps[r] = batch * mp / ((System.nanoTime() - t0) / 1e9);
                }
                System.out.printf("OpenCL batch %2d: median %.1f MP/s (%d chunks), runs %s%n", batch, median(mps),
                        cl.lastBatchChunks(), Arrays.toString(Arrays.stream(mps).map(v -> Math.round(v * 10) / 10.0).toArray()));
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private OpenClResizeBench() {
    }
}
