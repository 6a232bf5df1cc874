package dev.gpupool.device.opencl;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.backend.device.DeviceRuntime;
import dev.gpupool.kernel.Arg;
import dev.gpupool.kernel.ExampleKernels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** An OpenCL pool has one context: its resizer and its user kernels are clients of the probe's session. */
class OpenClSessionTest {
    @Test
    void thumbnailsAndUserKernelsShareThePoolsOneContext() throws Exception {
        OpenClTestSupport.requireOpenCl();
        try (Pool pool = Pool.open(Backend.OPENCL)) {
            OpenClSession session = (OpenClSession) ((DeviceRuntime) pool.runtime()).session();
            OpenClResizer resizer = (OpenClResizer) session.resizer(); // made by the probe's check
            float[] x = {1, 2, 3}, y = {1, 1, 1};
            pool.launch(ExampleKernels.saxpy(), 3, Arg.scalar(3), Arg.scalar(2f), Arg.in(x), Arg.inOut(y)).join();
            assertArrayEquals(new float[]{3, 5, 7}, y);
            OpenClKernelRunner kernels = (OpenClKernelRunner) session.kernels();
            assertSame(session.context(), resizer.context(), "the resizer runs in the session's context");
            assertSame(session.context(), kernels.context(), "user kernels run in the session's context");
            assertSame(resizer, session.resizer());
            assertSame(kernels, pool.runtime().kernels());
        }
    }
}
