package dev.gpupool.device.cuda;

import dev.gpupool.device.DeviceTestSupport;
import dev.gpupool.device.ProbeReport;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import org.junit.jupiter.api.Assumptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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



    /** Opens a session on usable device 0 (after {@link #requireCuda()} said there is one). */
    static CudaSession openSession() throws dev.gpupool.device.DeviceException {
        CudaProbe.Scan scan = new CudaProbe().scan();
        if (scan.failure() != null) throw new dev.gpupool.device.DeviceException("CUDA " + scan.failure());
        return CudaSession.open(scan.usable().getFirst());
    }

    /** True when libcuda is gpupool's fake driver (tests/native/fakecuda): its timings are not real. */
    static boolean onFakeDriver(CudaSession s) {
        return s.device().name().contains("fake");
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
                    out.add(DeviceTestSupport.request(DeviceTestSupport.image(rnd, s[0], s[1], ch), mode == 3 ? 150 : 48, mode == 3 ? 140 : 37, fit, mode == 3, f));
                }
            }
        }
        return out;
    }

}
