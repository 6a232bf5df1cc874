package dev.gpupool.device.cuda;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host-side mistakes the fake reports: the call fails with the real driver's code and the violation count goes up. */
@Tag("cuda")
class FakeCudaViolationsTest {
    FakeCuda fake;
    CUcontext ctx;
    CUdeviceptr dev;

    @BeforeEach
    void open() {
        fake = FakeCuda.requireFake();
        ctx = FakeCuda.newContext();
        dev = new CUdeviceptr();
        assertEquals(0, JCudaDriver.cuMemAlloc(dev, 16));
    }

    @AfterEach
    void close() {
        if (ctx == null) return;
        JCudaDriver.cuMemFree(dev);
        assertEquals(0, JCudaDriver.cuCtxDestroy(ctx));
    }

    /** Runs call; asserts it returned code, counted one violation whose message contains what. */
    private void assertViolation(int code, String what, IntSupplier call) {
        long before = fake.violations();
        assertEquals(code, call.getAsInt(), what);
        assertEquals(before + 1, fake.violations(), "one violation counted for " + what);
        assertTrue(fake.lastViolation().contains(what), "'" + fake.lastViolation() + "' should mention '" + what + "'");
    }

    @Test
    void aCallWithoutACurrentContext() throws InterruptedException {
        AtomicInteger rc = new AtomicInteger(-1);
        long before = fake.violations();
        Thread t = Thread.ofPlatform().start(() -> rc.set(JCudaDriver.cuMemAlloc(new CUdeviceptr(), 16)));
        t.join();
        assertEquals(201, rc.get(), "CUDA_ERROR_INVALID_CONTEXT");
        assertEquals(before + 1, fake.violations());
        assertTrue(fake.lastViolation().contains("no CUDA context is current"), fake.lastViolation());
    }

    @Test
    void aCopyPastTheEndOfAnAllocation() {
        assertViolation(1, "past the end", () -> JCudaDriver.cuMemcpyHtoD(dev, Pointer.to(new byte[17]), 17));
        assertViolation(1, "past the end", () -> JCudaDriver.cuMemcpyDtoH(Pointer.to(new byte[16]), dev.withByteOffset(8), 16));
        assertViolation(1, "past the end", () -> JCudaDriver.cuMemsetD32(dev, 0, 5));
    }

    @Test
    void asyncCopiesFromAJavaArrayOrPageableMemory() {
        CUstream s = new CUstream();
        assertEquals(0, JCudaDriver.cuStreamCreate(s, 1));
        assertViolation(1, "not pinned", () -> JCudaDriver.cuMemcpyHtoDAsync(dev, Pointer.to(new byte[16]), 16, s));
        try (Arena arena = Arena.ofConfined()) {
            Pointer pageable = Pointer.to(arena.allocate(16).asByteBuffer());
            assertViolation(1, "not pinned", () -> JCudaDriver.cuMemcpyDtoHAsync(pageable, dev, 16, s));
        }
        assertEquals(0, JCudaDriver.cuStreamDestroy(s));
    }

    @Test
    void freedMemoryAndDoubleFree() {
        CUdeviceptr d = new CUdeviceptr();
        assertEquals(0, JCudaDriver.cuMemAlloc(d, 8));
        assertEquals(0, JCudaDriver.cuMemFree(d));
        assertViolation(1, "use after free", () -> JCudaDriver.cuMemcpyHtoD(d, Pointer.to(new byte[8]), 8));
        assertViolation(1, "double free", () -> JCudaDriver.cuMemFree(d));
    }

    @Test
    void aKernelPointerArgumentThatIsNotAnAllocation() {
        CUmodule m = new CUmodule();
        assertEquals(0, JCudaDriver.cuModuleLoadData(m, FakeCuda.ptx("examples/saxpy.ptx")));
        CUfunction f = new CUfunction();
        assertEquals(0, JCudaDriver.cuModuleGetFunction(f, m, "saxpy"));
        CUdeviceptr stray = dev.withByteOffset(1 << 19); // between allocations
        Pointer params = Pointer.to(Pointer.to(new int[]{4}), Pointer.to(new float[]{2f}), Pointer.to(dev), Pointer.to(stray));
        assertViolation(1, "argument 3", () -> JCudaDriver.cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, null, params, null));
        assertTrue(fake.lastViolation().contains("not a device pointer"), fake.lastViolation());
        assertEquals(0, JCudaDriver.cuModuleUnload(m));
    }

    @Test
    void aDestroyedStreamIsAStaleHandle() {
        CUstream s = new CUstream();
        assertEquals(0, JCudaDriver.cuStreamCreate(s, 0));
        assertEquals(0, JCudaDriver.cuStreamDestroy(s));
        assertViolation(400, "was destroyed", () -> JCudaDriver.cuStreamSynchronize(s));
    }
}
