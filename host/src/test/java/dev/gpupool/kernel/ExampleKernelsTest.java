package dev.gpupool.kernel;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Every example kernel on every backend here (cpu-threads, cpu, opencl on PoCL; CUDA: ExampleKernelsGpuTest)
 * against its Java fallback run sequentially. Tolerance: none. grey is integer math; saxpy and blur
 * use unfused round-to-nearest float operations in the Java order (gp_portable.h's GP_MUL/GP_ADD with
 * FP_CONTRACT OFF on OpenCL, __fmul_rn/__fadd_rn on CUDA), so the bits must agree exactly.
 */
class ExampleKernelsTest {
    private static final Kernel SAXPY = ExampleKernels.saxpy();
    private static final Kernel GREY = ExampleKernels.grey();
    private static final Kernel BLUR = ExampleKernels.blur();

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"CPU_THREADS", "CPU", "OPENCL"})
    void saxpyAgreesWithJava(Backend backend) {
        int n = 5000; // not a multiple of CUDA's block, nor of the CPU ranges
        Random rnd = new Random(1);
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (rnd.nextFloat() - 0.5f) * 1e3f;
            y[i] = (rnd.nextFloat() - 0.5f) * 1e-2f;
        }
        float a = 1.7f;
        float[] expected = y.clone();
        ExampleKernels.saxpy(a, x, expected, 0, n);
        float[] xBefore = x.clone();
        try (Pool pool = KernelTestSupport.pool(backend)) {
            LaunchReport r = pool.launch(SAXPY, n, Arg.scalar(n), Arg.scalar(a), Arg.in(x), Arg.inOut(y)).join();
            assertRanOn(backend, r, n);
        }
        assertBitsEqual(expected, y, "saxpy on " + backend);
        assertArrayEquals(xBefore, x, "an in buffer is not copied back");
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"CPU_THREADS", "CPU", "OPENCL"})
    void greyAgreesWithJavaOnArraysAndDirectBuffers(Backend backend) {
        int n = 3001;
        byte[] rgb = new byte[3 * n];
        new Random(2).nextBytes(rgb);
        rgb[0] = rgb[1] = rgb[2] = (byte) 255; // white stays 255, black stays 0
        rgb[3] = rgb[4] = rgb[5] = 0;
        byte[] expected = new byte[n];
        ExampleKernels.grey(rgb, expected, 0, n);
        assertEquals((byte) 255, expected[0]);
        assertEquals(0, expected[1]);

        byte[] out = new byte[n];
        Arrays.fill(out, (byte) 7);
        ByteBuffer rgbBuf = ByteBuffer.allocateDirect(3 * n + 5).order(ByteOrder.nativeOrder());
        rgbBuf.position(5); // a buffer argument starts at its position
        rgbBuf.put(rgb).position(5);
        ByteBuffer outBuf = ByteBuffer.allocateDirect(n);
        try (Pool pool = KernelTestSupport.pool(backend)) {
            assertRanOn(backend, pool.launch(GREY, n, Arg.scalar(n), Arg.in(rgb), Arg.out(out)).join(), n);
            assertRanOn(backend, pool.launch(GREY, n, Arg.scalar(n), Arg.in(rgbBuf), Arg.out(outBuf)).join(), n);
        }
        assertArrayEquals(expected, out, "grey on " + backend + " (arrays)");
        byte[] fromBuf = new byte[n];
        outBuf.get(0, fromBuf);
        assertArrayEquals(expected, fromBuf, "grey on " + backend + " (direct buffers)");
        assertEquals(5, rgbBuf.position(), "the argument's position is left alone");
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"CPU_THREADS", "CPU", "OPENCL"})
    void blurAgreesWithJava(Backend backend) {
        int w = 61, h = 37, radius = 3;
        float[] weights = ExampleKernels.gaussianWeights(radius, 1.5);
        float[] src = new float[w * h];
        Random rnd = new Random(3);
        for (int i = 0; i < src.length; i++) src[i] = rnd.nextFloat() * 255f;
        float[] expected = new float[w * h];
        ExampleKernels.blur(w, h, radius, weights, src, expected, 0, w * h);
        float[] dst = new float[w * h];
        try (Pool pool = KernelTestSupport.pool(backend)) {
            LaunchReport r = pool.launch(BLUR, w * h, Arg.scalar(w), Arg.scalar(h), Arg.scalar(radius), Arg.in(weights),
                    Arg.in(src), Arg.out(dst)).join();
            assertRanOn(backend, r, w * h);
        }
        assertBitsEqual(expected, dst, "blur on " + backend);
        // the blur does something: a blurred pixel differs from its source
        float diff = 0;
        for (int i = 0; i < src.length; i++) diff = Math.max(diff, Math.abs(src[i] - dst[i]));
        org.junit.jupiter.api.Assertions.assertTrue(diff > 1f, "blur changed nothing");
    }

    static void assertRanOn(Backend poolBackend, LaunchReport r, int n) {
        Backend expected = poolBackend == Backend.CPU ? Backend.CPU_THREADS : poolBackend;
        assertEquals(expected, r.backend(), r.toString());
        assertEquals(n, r.globalSize());
        assertNull(r.note(), "the kernel has code for every backend, so no fallback: " + r);
    }

    static void assertBitsEqual(float[] expected, float[] got, String what) {
        assertEquals(expected.length, got.length);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(got[i])) {
                throw new AssertionError(what + ": item " + i + " is " + got[i] + ", Java gives " + expected[i]);
            }
        }
    }
}
