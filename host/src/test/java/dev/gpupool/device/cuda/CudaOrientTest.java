package dev.gpupool.device.cuda;

import dev.gpupool.codec.Orientation;
import dev.gpupool.image.PixelBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.gpupool.device.cuda.CudaCallException.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * gp_orient (kernels/resize_body.h's gp_orient_body: run as C by the fake driver, as the PTX on a real
 * GPU) equals the CPU path's Orientation.apply byte for byte: every EXIF orientation, 1, 3 and 4
 * channels, a non-square odd-sized image; buffers of exactly the image's size, so that on the fake a
 * write past the end is a violation. On the fake, the host code makes no call the driver would refuse.
 */
@Tag("cuda")
class CudaOrientTest {
    /** The fake driver, or null on a real GPU (bench/gpu-check.sh runs the cuda tag there: then the PTX itself runs). */
    private FakeCuda fake;
    private long violationsBefore;

    @BeforeEach
    void device() {
        fake = System.getProperty(FakeCuda.PROPERTY) == null ? null : FakeCuda.load();
        if (fake != null && !fake.isFake()) fake = null;
        if (fake != null) fake.set("defaults", 0);
        CudaTestSupport.requireCuda();
        if (fake != null) violationsBefore = fake.violations();
    }

    @AfterEach
    void noViolations() {
        if (fake == null) return; // a real GPU: the driver reports misuse as errors, which check() turns into failures
        fake.set("defaults", 0);
        assertEquals(violationsBefore, fake.violations(), "the host code broke the driver's rules: " + fake.lastViolation());
    }

    @Test
    void everyOrientationAndChannelCountEqualsTheCpuPath() throws Exception {
        int w = 7, h = 5;
        Random rnd = new Random(42);
        try (CudaSession s = CudaTestSupport.openSession()) {
            long launches = s.call("orienting", () -> {
                long before = fake == null ? 0 : fake.stat("launches");
                CUfunction f = CudaOrient.function(s.module(Ptx.RESOURCE, Ptx.load().image()));
                CUstream q = new CUstream();
                check(JCudaDriver.cuStreamCreate(q, 0x1 /* CU_STREAM_NON_BLOCKING */), "cuStreamCreate");
                try {
                    for (int ch : new int[]{1, 3, 4}) {
                        int n = w * h * ch;
                        byte[] in = new byte[n];
                        for (int i = 0; i < n; i++) in[i] = (byte) (1 + rnd.nextInt(255)); // never 0: an unwritten dst byte shows
                        for (int o = 1; o <= 8; o++) {
                            PixelBuffer want = Orientation.apply(new PixelBuffer(w, h, ch, in.clone()), o);
                            assertEquals(Orientation.transposes(o) ? h : w, want.width());
                            CUdeviceptr src = s.memory().allocDevice(n), dst = s.memory().allocDevice(n);
                            try {
                                check(JCudaDriver.cuMemcpyHtoD(src, Pointer.to(in), n), "cuMemcpyHtoD");
                                check(JCudaDriver.cuMemsetD8(dst, (byte) 0, n), "cuMemsetD8");
                                CudaOrient.launchOrient(f, q, src, dst, w, h, ch, o);
                                check(JCudaDriver.cuStreamSynchronize(q), "cuStreamSynchronize");
                                byte[] got = new byte[n];
                                check(JCudaDriver.cuMemcpyDtoH(Pointer.to(got), dst, n), "cuMemcpyDtoH");
                                assertArrayEquals(want.data(), got, "orientation " + o + ", " + ch + " channels, " + w + "x" + h);
                            } finally {
                                s.memory().free(src);
                                s.memory().free(dst);
                            }
                        }
                    }
                } finally {
                    JCudaDriver.cuStreamDestroy(q);
                }
                return fake == null ? -1 : fake.stat("launches") - before;
            });
            if (fake != null) assertEquals(24, launches, "one launch per orientation and channel count");
        }
    }
}
