package dev.gpupool.device.cuda;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each fault the fake injects on request, and what the host sees. */
@Tag("cuda")
class FakeCudaFaultsTest {
    FakeCuda fake;

    @BeforeEach
    void requireFake() {
        fake = FakeCuda.requireFake();
    }

    @AfterEach
    void restore() {
        if (fake == null) return;
        fake.set("defaults", 0);
        assertEquals(0, JCudaDriver.cuInit(0), "cuInit after restoring the defaults");
    }

    @Test
    void outOfDeviceMemoryAtTheNthAllocation() {
        CUcontext ctx = FakeCuda.newContext();
        fake.set("oom_device_at", 2);
        CUdeviceptr a = new CUdeviceptr(), b = new CUdeviceptr(), c = new CUdeviceptr();
        assertEquals(0, JCudaDriver.cuMemAlloc(a, 64));
        assertEquals(2, JCudaDriver.cuMemAlloc(b, 64), "CUDA_ERROR_OUT_OF_MEMORY at the 2nd");
        assertEquals(0, JCudaDriver.cuMemAlloc(c, 64), "once only");
        assertEquals(2, JCudaDriver.cuMemAlloc(b, 2L << 30), "beyond total_mem (1 GiB)");
        fake.set("oom_pinned_at", 1);
        assertEquals(2, JCudaDriver.cuMemHostAlloc(new Pointer(), 64, 0));
        assertEquals(0, JCudaDriver.cuMemFree(a));
        assertEquals(0, JCudaDriver.cuMemFree(c));
        assertEquals(0, JCudaDriver.cuCtxDestroy(ctx));
    }

    private static CUfunction saxpy(CUmodule m) {
        assertEquals(0, JCudaDriver.cuModuleLoadData(m, FakeCuda.ptx("examples/saxpy.ptx")));
        CUfunction f = new CUfunction();
        assertEquals(0, JCudaDriver.cuModuleGetFunction(f, m, "saxpy"));
        return f;
    }

    private static int launchSaxpy(CUfunction f, CUdeviceptr x, CUdeviceptr y) {
        Pointer params = Pointer.to(Pointer.to(new int[]{8}), Pointer.to(new float[]{1f}), Pointer.to(x), Pointer.to(y));
        return JCudaDriver.cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, null, params, null);
    }

    @Test
    void aStickyLaunchErrorPoisonsTheContextUntilItIsDestroyed() {
        CUcontext ctx = FakeCuda.newContext();
        CUfunction f = saxpy(new CUmodule());
        CUdeviceptr x = new CUdeviceptr();
        assertEquals(0, JCudaDriver.cuMemAlloc(x, 32));
        fake.set("sticky_launch_error", 700);
        fake.set("sticky_launch_at", 2);
        assertEquals(0, launchSaxpy(f, x, x));
        assertEquals(700, launchSaxpy(f, x, x), "CUDA_ERROR_ILLEGAL_ADDRESS at the 2nd launch");
        assertEquals(700, JCudaDriver.cuCtxSynchronize());
        assertEquals(700, JCudaDriver.cuMemAlloc(new CUdeviceptr(), 16), "every later call in the context");
        assertEquals(0, JCudaDriver.cuCtxDestroy(ctx));

        CUcontext fresh = FakeCuda.newContext();
        CUfunction g = saxpy(new CUmodule());
        CUdeviceptr y = new CUdeviceptr();
        assertEquals(0, JCudaDriver.cuMemAlloc(y, 32), "a new context works again");
        assertEquals(0, launchSaxpy(g, y, y));
        assertEquals(0, JCudaDriver.cuCtxSynchronize());
        assertEquals(0, JCudaDriver.cuCtxDestroy(fresh));
    }

    @Test
    void refusedPtxReturnsInvalidPtxWithTheLogInTheJitErrorBuffer() {
        CUcontext ctx = FakeCuda.newContext();
        fake.set("refuse_ptx", 1);
        JITOptions jit = new JITOptions();
        jit.putBytes(5, new byte[1024]); // CU_JIT_ERROR_LOG_BUFFER
        jit.putInt(6, 1024);             // CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES: in, the size; out, the bytes used
        byte[] image = FakeCuda.ptx("resize.ptx");
        int rc = JCudaDriver.cuModuleLoadDataJIT(new CUmodule(), Pointer.to(image), jit);
        assertEquals(218, rc, "CUDA_ERROR_INVALID_PTX");
        String log = new String(jit.getBytes(5), StandardCharsets.US_ASCII);
        assertTrue(log.contains("ptxas fatal: injected by fakecuda"), log);
        assertEquals(log.indexOf('\0') + 1, jit.getInt(6), "the used size, NUL included, is written back");
        assertEquals(218, JCudaDriver.cuModuleLoadData(new CUmodule(), image));
        assertEquals(0, JCudaDriver.cuCtxDestroy(ctx));
    }

    @Test
    void ptxTheFakeCannotRunIsRefusedLoudly() {
        CUcontext ctx = FakeCuda.newContext();
        String saxpy = new String(FakeCuda.ptx("examples/saxpy.ptx"), StandardCharsets.US_ASCII).replace("\0", "");
        CUmodule m = new CUmodule();
        // a host that packs n as 64 bits would have PTX that says so: the widths disagree with the C body
        assertEquals(801, JCudaDriver.cuModuleLoadData(m, FakeCuda.nulTerminated(saxpy.replace(".param .u32 saxpy_param_0", ".param .u64 saxpy_param_0"))));
        assertEquals(801, JCudaDriver.cuModuleLoadData(m, FakeCuda.nulTerminated(saxpy.replace("saxpy", "daxpy"))), "no C body");
        assertEquals(0, JCudaDriver.cuModuleLoadData(m, FakeCuda.nulTerminated(saxpy)));
        assertEquals(500, JCudaDriver.cuModuleGetFunction(new CUfunction(), m, "nosuch"), "CUDA_ERROR_NOT_FOUND");
        assertEquals(0, JCudaDriver.cuCtxDestroy(ctx));
    }

    @Test
    void noDeviceAndDeviceSettingsAsTheProbeSeesThem() {
        fake.set("no_device", 1);
        assertEquals(100, JCudaDriver.cuInit(0), "CUDA_ERROR_NO_DEVICE");
        assertTrue(new CudaProbe().scan().failure().contains("CUDA_ERROR_NO_DEVICE"), new CudaProbe().scan().failure());
        fake.set("no_device", 0);
        fake.set("device_count", 2);
        assertEquals(2, new CudaProbe().scan().usable().size());
        fake.set("compute_capability", 61);
        assertTrue(new CudaProbe().scan().failure().contains("7.5"), "a 6.1 device is not usable");
        fake.set("compute_capability", 90);
        fake.set("total_mem", 1L << 20);
        assertEquals(0, JCudaDriver.cuInit(0));
        long[] mem = new long[1];
        jcuda.driver.CUdevice dev = new jcuda.driver.CUdevice();
        assertEquals(0, JCudaDriver.cuDeviceGet(dev, 1));
        assertEquals(0, JCudaDriver.cuDeviceTotalMem(mem, dev));
        assertEquals(1L << 20, mem[0]);
    }
}
