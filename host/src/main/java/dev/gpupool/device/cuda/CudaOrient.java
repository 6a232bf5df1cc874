package dev.gpupool.device.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import static dev.gpupool.device.cuda.CudaCallException.check;

/**
 * The EXIF orientation on the device: {@code gp_orient} in {@code kernels/resize.ptx} (body
 * {@code gp_orient_body} in {@code kernels/resize_body.h}), which turns a decoded image upright the
 * way {@code dev.gpupool.codec.Orientation.apply} does on the CPU, byte for byte. Device thread only,
 * context current; the module is the resizer's ({@code session.module(Ptx.RESOURCE, ...)}).
 */
final class CudaOrient {
    static final String ENTRY = "gp_orient";

    private CudaOrient() {
    }

    /** The {@value #ENTRY} function of the resize module. */
    static CUfunction function(CUmodule module) {
        CUfunction f = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(f, module, ENTRY), "cuModuleGetFunction(" + ENTRY + ")");
        return f;
    }

    /**
     * Queues {@code gp_orient} on {@code q}: {@code src} holds a {@code w x h} image of {@code ch}
     * interleaved 8-bit channels (row-major, no padding); {@code dst} (a different allocation of the
     * same {@code w * h * ch} bytes) receives the upright image, {@code w x h}, or {@code h x w} when
     * {@link dev.gpupool.codec.Orientation#transposes}. Orientation 1, or anything outside 1..8, copies. One thread per source
     * pixel, 1-D grid of {@link LaunchGeometry#of}{@code (w * h)}. Asynchronous: wait on the stream
     * (or an event recorded after it) before reading {@code dst}.
     */
    static void launchOrient(CUfunction f, CUstream q, CUdeviceptr src, CUdeviceptr dst, int w, int h, int ch, int orientation) {
        if (w < 1 || h < 1 || ch < 1 || ch > 4) throw new IllegalArgumentException("bad image " + w + "x" + h + "x" + ch);
        // The kernel indexes bytes with ints.
        if ((long) w * h * ch > Integer.MAX_VALUE) throw new IllegalArgumentException(w + "x" + h + "x" + ch + " exceeds 2^31 bytes");
        int total = w * h;
        LaunchGeometry g = LaunchGeometry.of(total);
        // cuLaunchKernel copies the argument values at the call, so these arrays may die right after.
        Pointer params = Pointer.to(Pointer.to(src), Pointer.to(dst), Pointer.to(new int[]{w}), Pointer.to(new int[]{h}),
                Pointer.to(new int[]{ch}), Pointer.to(new int[]{orientation}), Pointer.to(new int[]{total}));
        check(JCudaDriver.cuLaunchKernel(f, g.gridX(), 1, 1, g.blockX(), 1, 1, 0, q, params, null), "cuLaunchKernel(" + ENTRY + ")");
    }
}
