package dev.gpupool.device.cuda;

import dev.gpupool.device.BatchLayout;
import dev.gpupool.device.DeviceTestSupport;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.PixelBuffer;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The emulated kernels (the real kernel sources compiled as C) against the Java references: the
 * batched resize packed with BatchLayout against Resampler, and saxpy against Java float arithmetic.
 * Bit-exact, like the GPU.
 */
@Tag("cuda")
class FakeCudaKernelsTest {
    private static CUdeviceptr upload(ByteBuffer b, long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        assertEquals(0, JCudaDriver.cuMemAlloc(p, Math.max(bytes, 4)));
        if (bytes > 0) assertEquals(0, JCudaDriver.cuMemcpyHtoD(p, Pointer.to(b), bytes));
        return p;
    }

    private static void launch(CUfunction f, int total, Pointer params) {
        LaunchGeometry g = LaunchGeometry.of(total);
        assertEquals(0, JCudaDriver.cuLaunchKernel(f, g.gridX(), 1, 1, g.blockX(), 1, 1, 0, null, params, null));
    }

    @Test
    void theEmulatedResizeKernelsEqualTheCpuReference() throws Exception {
        FakeCuda.requireFake();
        List<ResizeRequest> batch = CudaTestSupport.everyFilterFitAndChannelCount(11);
        CUcontext ctx = FakeCuda.newContext();
        try {
            CUmodule m = new CUmodule();
            assertEquals(0, JCudaDriver.cuModuleLoadData(m, Ptx.load().image()));
            CUfunction h = new CUfunction(), v = new CUfunction();
            assertEquals(0, JCudaDriver.cuModuleGetFunction(h, m, "gp_resize_h"));
            assertEquals(0, JCudaDriver.cuModuleGetFunction(v, m, "gp_resize_v"));
            BatchLayout.Need[] needs = BatchLayout.needs(batch);
            BatchLayout.Sizes z = BatchLayout.Sizes.of(needs, 0, batch.size());
            ByteBuffer src = buf(z.src()), meta = buf(z.meta()), wts = buf(z.wts()), dst = buf(z.dst());
            BatchLayout.Packed p = BatchLayout.pack(batch, needs, 0, batch.size(), src, meta, wts);
            CUdeviceptr dSrc = upload(src, z.src()), dMeta = upload(meta, z.meta()), dWts = upload(wts, z.wts());
            CUdeviceptr dMid = new CUdeviceptr(), dDst = new CUdeviceptr();
            assertEquals(0, JCudaDriver.cuMemAlloc(dMid, Math.max(z.mid(), 4)));
            assertEquals(0, JCudaDriver.cuMemAlloc(dDst, Math.max(z.dst(), 4)));
            int[] nimg = {p.images()};
            launch(h, p.hTotal(), Pointer.to(Pointer.to(dSrc), Pointer.to(dMid), Pointer.to(dMeta), Pointer.to(dWts),
                    Pointer.to(nimg), Pointer.to(new int[]{p.hTotal()})));
            launch(v, p.vTotal(), Pointer.to(Pointer.to(dMid), Pointer.to(dDst), Pointer.to(dMeta), Pointer.to(dWts),
                    Pointer.to(nimg), Pointer.to(new int[]{p.vTotal()})));
            assertEquals(0, JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), dDst, z.dst())); // after the null-stream launches
            PixelBuffer[] out = new PixelBuffer[batch.size()];
            p.unpack(dst, out);
            assertEquals(0L, DeviceTestSupport.assertMatchesReference(batch, Arrays.asList(out), 0, "emulated CUDA resize")[0]);
        } finally {
            assertEquals(0, JCudaDriver.cuCtxDestroy(ctx)); // frees the allocations with it
        }
    }

    private static ByteBuffer buf(long n) {
        return ByteBuffer.allocateDirect((int) Math.max(n, 4)).order(ByteOrder.nativeOrder());
    }

    @Test
    void theEmulatedSaxpyEqualsJavaFloatArithmetic() {
        FakeCuda fake = FakeCuda.requireFake();
        int n = 1000; // not a whole number of blocks: the kernel's bound check matters
        float a = 1.7f;
        Random rnd = new Random(3);
        float[] x = new float[n], y = new float[n], want = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian() * 100;
            y[i] = (float) rnd.nextGaussian();
            want[i] = a * x[i] + y[i];
        }
        CUcontext ctx = FakeCuda.newContext();
        long launches = fake.stat("launches");
        CUmodule m = new CUmodule();
        assertEquals(0, JCudaDriver.cuModuleLoadData(m, FakeCuda.ptx("examples/saxpy.ptx")));
        CUfunction f = new CUfunction();
        assertEquals(0, JCudaDriver.cuModuleGetFunction(f, m, "saxpy"));
        CUdeviceptr dx = new CUdeviceptr(), dy = new CUdeviceptr();
        assertEquals(0, JCudaDriver.cuMemAlloc(dx, 4L * n));
        assertEquals(0, JCudaDriver.cuMemAlloc(dy, 4L * n));
        assertEquals(0, JCudaDriver.cuMemcpyHtoD(dx, Pointer.to(x), 4L * n));
        assertEquals(0, JCudaDriver.cuMemcpyHtoD(dy, Pointer.to(y), 4L * n));
        Pointer params = Pointer.to(Pointer.to(new int[]{n}), Pointer.to(new float[]{a}), Pointer.to(dx), Pointer.to(dy));
        assertEquals(0, JCudaDriver.cuLaunchKernel(f, (n + 255) / 256, 1, 1, 256, 1, 1, 0, null, params, null));
        assertEquals(0, JCudaDriver.cuCtxSynchronize());
        float[] got = new float[n];
        assertEquals(0, JCudaDriver.cuMemcpyDtoH(Pointer.to(got), dy, 4L * n));
        assertArrayEquals(want, got);
        assertEquals(launches + 1, fake.stat("launches"));
        assertEquals(0, JCudaDriver.cuMemFree(dx));
        assertEquals(0, JCudaDriver.cuMemFree(dy));
        assertEquals(0, JCudaDriver.cuModuleUnload(m));
        assertEquals(0, JCudaDriver.cuCtxDestroy(ctx));
    }
}
