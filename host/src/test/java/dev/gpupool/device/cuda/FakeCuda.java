package dev.gpupool.device.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The control interface of the fake CUDA driver ({@code host/src/test/native/fakecuda}), through FFM:
 * fault injection ({@link #set}), counters ({@link #stat}) and violations. The library is the one the
 * system property {@value #PROPERTY} names (the {@code cuda-fake} surefire execution sets it, and
 * LD_LIBRARY_PATH, so that JCuda's JNI library binds the same copy). Without it a test fails when
 * {@code gpupool.requireGpu} is true and is skipped otherwise; where the loaded libcuda is a real
 * driver, fake-only tests skip with that reason ({@link #requireFake()}).
 */
final class FakeCuda {
    static final String PROPERTY = "gpupool.fakecuda";
    private static final Linker LINKER = Linker.nativeLinker();
    private static volatile FakeCuda instance;

    private final SymbolLookup lib;
    private final String path;

    private FakeCuda(SymbolLookup lib, String path) {
        this.lib = lib;
        this.path = path;
    }

    /** The library of {@value #PROPERTY}: loaded, or the test fails (requireGpu) or is skipped. */
    static FakeCuda load() {
        FakeCuda f = instance;
        if (f != null) return f;
        String p = System.getProperty(PROPERTY);
        String why = p == null ? "system property " + PROPERTY + " is not set (run the cuda-fake surefire execution)"
                : !Files.isReadable(Path.of(p)) ? p + " does not exist (the fake driver was not built)" : null;
        if (why == null) {
            try {
                f = new FakeCuda(SymbolLookup.libraryLookup(Path.of(p), Arena.global()), p);
            } catch (IllegalArgumentException e) {
                why = "cannot load " + p + ": " + e.getMessage();
            }
        }
        if (why != null) {
            // Not asked for (a run against a real driver, e.g. bench/gpu-check.sh): these tests are the
            // fake's, so they skip, visibly. Asked for but missing (the cuda-fake run): fail loudly.
            if (p != null && Boolean.getBoolean("gpupool.requireGpu")) fail("gpupool.requireGpu is set, but " + why);
            Assumptions.abort(why);
        }
        instance = f;
        return f;
    }

    /** The fake itself; on a real driver the calling test is skipped with a visible reason. */
    static FakeCuda requireFake() {
        FakeCuda f = load();
        Assumptions.assumeTrue(f.isFake(), f.path + " is a real CUDA driver (no fakecuda_version): this test needs the fake");
        return f;
    }

    boolean isFake() {
        return lib.find("fakecuda_version").isPresent();
    }

    private MethodHandle handle(String name, FunctionDescriptor d) {
        Optional<MemorySegment> s = lib.find(name);
        if (s.isEmpty()) throw new IllegalStateException(path + " has no " + name + " (not the fake driver?)");
        return LINKER.downcallHandle(s.get(), d);
    }

    /** A fault-injection or device setting (see the fake's README); "defaults" restores all. */
    void set(String key, long value) {
        try (Arena a = Arena.ofConfined()) {
            int rc = (int) handle("fakecuda_set", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG))
                    .invokeExact(a.allocateFrom(key), value);
            assertEquals(0, rc, "fakecuda_set(" + key + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long stat(String name) {
        try (Arena a = Arena.ofConfined()) {
            long v = (long) handle("fakecuda_stat", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS))
                    .invokeExact(a.allocateFrom(name));
            if (v < 0) throw new IllegalArgumentException("the fake has no counter " + name);
            return v;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long violations() {
        return stat("violations");
    }

    String lastViolation() {
        try {
            MemorySegment s = (MemorySegment) handle("fakecuda_last_violation", FunctionDescriptor.of(ValueLayout.ADDRESS)).invokeExact();
            return s.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void resetStats() {
        try {
            handle("fakecuda_reset_stats", FunctionDescriptor.ofVoid()).invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    // ------------------------------------------------------------------ JCuda helpers for the tests

    /** cuInit, device 0, a new context made current on this thread. */
    static CUcontext newContext() {
        JCudaDriver.setExceptionsEnabled(false);
        assertEquals(0, JCudaDriver.cuInit(0), "cuInit");
        CUdevice dev = new CUdevice();
        assertEquals(0, JCudaDriver.cuDeviceGet(dev, 0), "cuDeviceGet");
        CUcontext ctx = new CUcontext();
        assertEquals(0, JCudaDriver.cuCtxCreate(ctx, 0, dev), "cuCtxCreate");
        return ctx;
    }

    /** A kernel source file's PTX (under gpupool.kernels.dir), NUL-terminated as cuModuleLoadData wants it. */
    static byte[] ptx(String relative) {
        try {
            return nulTerminated(Files.readString(Path.of(System.getProperty("gpupool.kernels.dir", "../kernels"), relative)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] nulTerminated(String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        byte[] image = new byte[t.length + 1];
        System.arraycopy(t, 0, image, 0, t.length);
        return image;
    }
}
