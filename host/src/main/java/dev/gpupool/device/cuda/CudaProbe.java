package dev.gpupool.device.cuda;

import dev.gpupool.Backend;
import dev.gpupool.device.BackendProbe;
import dev.gpupool.device.ProbeReport;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether the CUDA backend can run here, in two steps.
 *
 * <ol>
 * <li>{@link #scan()} asks the NVIDIA driver ({@code libcuda.so.1}, or the library named by the
 * system property {@code gpupool.cuda.library}) directly, through the FFM API: {@code cuInit}, the
 * driver version, each device's name and compute capability. Loading nothing else, it cannot crash
 * a machine without a GPU, and JCuda's JNI library (which links libcuda) is never touched there.</li>
 * <li>{@link CudaProvider} then really opens the chosen device's {@link CudaSession} (context, the
 * PTX loaded, memory allocated, the kernels run and checked), so "usable" means that GPU did real
 * work. A driver too old for the PTX ISA, a JCuda library that does not load, or any other failure
 * is the reason it is not. {@link #probe} does the same and closes the session again.</li>
 * </ol>
 */
public final class CudaProbe implements BackendProbe {
    /** The oldest compute capability the PTX in the jar targets (CUDA 13's minimum). */
    public static final int MIN_COMPUTE_CAPABILITY = 75;
    public static final String LIBRARY_PROPERTY = "gpupool.cuda.library";

    private final String library;

    /** Probes {@code libcuda.so.1}, or the library the system property {@value #LIBRARY_PROPERTY} names. */
    public CudaProbe() {
        this(System.getProperty(LIBRARY_PROPERTY, "libcuda.so.1"));
    }

    /** Probes through {@code library} (a name for dlopen or a path). */
    public CudaProbe(String library) {
        this.library = library;
    }

    /** What the driver reports: usable devices (compute capability 7.5 and up) in order, or why there are none. */
    public record Scan(String failure, int driverVersion, List<CudaDevice> usable, List<String> details) {
    }

    /** Probes device {@code deviceIndex} as a pool would (session opened and checked), then closes it. */
    @Override
    public ProbeReport probe(int deviceIndex) {
        try (dev.gpupool.backend.ProbeResult r = new CudaProvider(this).open(new dev.gpupool.backend.ProbeOptions(deviceIndex, 1, true))) {
            return r.report();
        }
    }

    /** The driver-level scan (FFM only, no JCuda). Never throws. */
    public Scan scan() {
        List<String> details = new ArrayList<>();
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(library, Arena.global());
        } catch (Throwable e) { // IllegalArgumentException when dlopen fails; anything else is just as fatal here
            return new Scan(library + " not found (no NVIDIA driver installed)", 0, List.of(), details);
        }
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            MethodHandle cuInit = linker.downcallHandle(find(lib, "cuInit"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            MethodHandle getVersion = linker.downcallHandle(find(lib, "cuDriverGetVersion"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MethodHandle getCount = linker.downcallHandle(find(lib, "cuDeviceGetCount"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MethodHandle getDevice = linker.downcallHandle(find(lib, "cuDeviceGet"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle getName = linker.downcallHandle(find(lib, "cuDeviceGetName"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            MethodHandle getAttr = linker.downcallHandle(find(lib, "cuDeviceGetAttribute"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            int rc = (int) cuInit.invokeExact(0);
            if (rc != 0) {
                return new Scan("cuInit failed with " + CudaCallException.name(rc) + " (" + rc + ")"
                        + (rc == CudaCallException.CUDA_ERROR_NO_DEVICE ? ": no CUDA-capable device" : ""), 0, List.of(), details);
            }
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            rc = (int) getVersion.invokeExact(out);
            int driver = rc == 0 ? out.get(ValueLayout.JAVA_INT, 0) : 0;
            rc = (int) getCount.invokeExact(out);
            int count = rc == 0 ? out.get(ValueLayout.JAVA_INT, 0) : 0;
            if (count == 0) return new Scan("the driver (CUDA " + version(driver) + ") sees no device", driver, List.of(), details);
            List<CudaDevice> usable = new ArrayList<>();
            MemorySegment name = arena.allocate(256);
            for (int i = 0; i < count; i++) {
                if ((int) getDevice.invokeExact(out, i) != 0) continue;
                int dev = out.get(ValueLayout.JAVA_INT, 0);
                int ignored = (int) getName.invokeExact(name, 256, dev);
                String n = name.getString(0);
                int major = (int) getAttr.invokeExact(out, 75, dev) == 0 ? out.get(ValueLayout.JAVA_INT, 0) : 0; // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
                int minor = (int) getAttr.invokeExact(out, 76, dev) == 0 ? out.get(ValueLayout.JAVA_INT, 0) : 0;
                boolean ok = major * 10 + minor >= MIN_COMPUTE_CAPABILITY;
                details.add("cuda device " + i + ": " + n + ", compute " + major + "." + minor + ", driver CUDA " + version(driver)
                        + (ok ? ": candidate" : ": not used (compute capability below 7.5)"));
                if (ok) usable.add(new CudaDevice(i, n, major, minor, driver));
            }
            if (usable.isEmpty()) return new Scan("no device with compute capability 7.5 or newer", driver, List.of(), details);
            return new Scan(null, driver, List.copyOf(usable), details);
        } catch (Throwable e) {
            return new Scan("probing " + library + " failed: " + e, 0, List.of(), details);
        }
    }

    private static MemorySegment find(SymbolLookup lib, String symbol) {
        return lib.find(symbol).orElseThrow(() -> new IllegalStateException("the driver library has no " + symbol));
    }

    /** "12.4" for 12040. */
    static String version(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }
}
