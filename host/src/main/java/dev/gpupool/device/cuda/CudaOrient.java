package dev.gpupool.device.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import static dev.gpupool.device.cuda.CudaCallException.check;

/** Launches {@code gp_orient} (kernels/resize.cu): one image turned upright by its EXIF orientation. */
final class CudaOrient {
    private CudaOrient() {
    }

    /** {@code src}: a {@code w x h x ch} image as stored; {@code dst} receives it upright ({@code h x w} for orientations 5..8). */
    static void launch(CUfunction f, CUstream q, CUdeviceptr src, CUdeviceptr dst, int w, int h, int ch, int orientation) {
        int total = w * h;
        LaunchGeometry g = LaunchGeometry.of(total);
        Pointer params = Pointer.to(Pointer.to(src), Pointer.to(dst), Pointer.to(new int[]{w}), Pointer.to(new int[]{h}),
                Pointer.to(new int[]{ch}), Pointer.to(new int[]{orientation}), Pointer.to(new int[]{total}));
        check(JCudaDriver.cuLaunchKernel(f, g.gridX(), 1, 1, g.blockX(), 1, 1, 0, q, params, null), "cuLaunchKernel(gp_orient)");
    }
}
