package dev.gpupool.device.opencl;

import dev.gpupool.codec.Orientation;
import dev.gpupool.image.PixelBuffer;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * resize.cl's gp_orient (the body CUDA runs too, kernels/resize_body.h) equals the CPU path's
 * Orientation.apply byte for byte on whatever OpenCL device the machine has (PoCL in CI).
 */
class OpenClOrientTest {
    @Test
    void everyOrientationAndChannelCountEqualsTheCpuPath() throws Exception {
        OpenClTestSupport.requireOpenCl();
        CL.setExceptionsEnabled(true);
        OpenClProbe.Scan scan = new OpenClProbe(true).scan();
        cl_device_id dev = scan.usable().getFirst().device();
        cl_context ctx = CL.clCreateContext(null, 1, new cl_device_id[]{dev}, null, null, null);
        cl_program prog = null;
        cl_kernel k = null;
        cl_command_queue q = null;
        try {
            prog = CL.clCreateProgramWithSource(ctx, 1, new String[]{KernelSource.load("resize.cl")}, null, null);
            CL.clBuildProgram(prog, 1, new cl_device_id[]{dev}, "", null, null);
            k = CL.clCreateKernel(prog, "gp_orient", null);
            @SuppressWarnings("deprecation")
            cl_command_queue made = CL.clCreateCommandQueue(ctx, dev, 0, null);
            q = made;
            int w = 7, h = 5;
            Random rnd = new Random(42);
            for (int ch : new int[]{1, 3, 4}) {
                int n = w * h * ch;
                byte[] in = new byte[n];
                for (int i = 0; i < n; i++) in[i] = (byte) (1 + rnd.nextInt(255)); // never 0: an unwritten dst byte shows
                for (int o = 1; o <= 8; o++) {
                    PixelBuffer want = Orientation.apply(new PixelBuffer(w, h, ch, in.clone()), o);
                    byte[] got = new byte[n];
                    cl_mem src = CL.clCreateBuffer(ctx, CL.CL_MEM_READ_ONLY | CL.CL_MEM_COPY_HOST_PTR, n, Pointer.to(in), null);
                    cl_mem dst = CL.clCreateBuffer(ctx, CL.CL_MEM_WRITE_ONLY | CL.CL_MEM_COPY_HOST_PTR, n, Pointer.to(got), null);
                    try {
                        CL.clSetKernelArg(k, 0, Sizeof.cl_mem, Pointer.to(src));
                        CL.clSetKernelArg(k, 1, Sizeof.cl_mem, Pointer.to(dst));
                        int[] ints = {w, h, ch, o, w * h};
                        for (int i = 0; i < ints.length; i++) CL.clSetKernelArg(k, 2 + i, Sizeof.cl_int, Pointer.to(new int[]{ints[i]}));
                        // A global size past total, as a padded launch would have: those work items must return.
                        CL.clEnqueueNDRangeKernel(q, k, 1, null, new long[]{64}, null, 0, null, null);
                        CL.clEnqueueReadBuffer(q, dst, CL.CL_TRUE, 0, n, Pointer.to(got), 0, null, null);
                    } finally {
                        CL.clReleaseMemObject(src);
                        CL.clReleaseMemObject(dst);
                    }
                    assertEquals(Orientation.transposes(o) ? h : w, want.width());
                    assertArrayEquals(want.data(), got, "orientation " + o + ", " + ch + " channels, " + w + "x" + h);
                }
            }
        } finally {
            if (q != null) CL.clReleaseCommandQueue(q);
            if (k != null) CL.clReleaseKernel(k);
            if (prog != null) CL.clReleaseProgram(prog);
            CL.clReleaseContext(ctx);
        }
    }
}
