package dev.gpupool.device;

import dev.gpupool.Backend;

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
 * Asks the NVIDIA driver ({@code libcuda.so.1}) directly, through the FFM API, whether a CUDA device
 * is here: the library, {@code cuInit}, the driver version and each device's name and compute
 * capability. Loading nothing else, it cannot crash a machine without a GPU.
 */
public final class CudaProbe implements BackendProbe {
    /** The oldest compute capability the PTX in the jar targets (CUDA 13's minimum). */
    public static final int MIN_COMPUTE_CAPABILITY = 75;
    private static final String LIBRARY = System.getProperty("gpupool.cuda.library", "libcuda.so.1");

    @Override
    public ProbeReport probe(int deviceIndex) {
        List<String> details = new ArrayList<>();
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            return ProbeReport.unavailable(Backend.CUDA, "not available: " + LIBRARY + " not found (no NVIDIA driver installed)", details);
        }
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            MethodHandle cuInit = linker.downcallHandle(lib.find("cuInit").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            MethodHandle getVersion = linker.downcallHandle(lib.find("cuDriverGetVersion").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MethodHandle getCount = linker.downcallHandle(lib.find("cuDeviceGetCount").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            MethodHandle getDevice = linker.downcallHandle(lib.find("cuDeviceGet").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle getName = linker.downcallHandle(lib.find("cuDeviceGetName").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            MethodHandle getAttr = linker.downcallHandle(lib.find("cuDeviceGetAttribute").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            int rc = (int) cuInit.invokeExact(0);
            if (rc != 0) return ProbeReport.unavailable(Backend.CUDA, "not available: cuInit failed with CUDA error " + rc + (rc == 100 ? " (no CUDA-capable device)" : ""), details);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            rc = (int) getVersion.invokeExact(out);
            int driver = rc == 0 ? out.get(ValueLayout.JAVA_INT, 0) : 0;
            rc = (int) getCount.invokeExact(out);
            int count = rc == 0 ? out.get(ValueLayout.JAVA_INT, 0) : 0;
            if (count == 0) return ProbeReport.unavailable(Backend.CUDA, "not available: the driver (CUDA " + version(driver) + ") sees no device", details);
            List<String> usable = new ArrayList<>();
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
                        + (ok ? ": usable" : ": not used (compute capability below 7.5)"));
                if (ok) usable.add(n);
            }
            if (usable.isEmpty()) return ProbeReport.unavailable(Backend.CUDA, "not available: no device with compute capability 7.5 or newer", details);
            if (deviceIndex >= usable.size()) return ProbeReport.unavailable(Backend.CUDA, "not available: device " + deviceIndex + " asked for, " + usable.size() + " usable", details);
            return ProbeReport.unavailable(Backend.CUDA, "not available: the CUDA backend is not built yet (device " + usable.get(deviceIndex) + " found)", details);
        } catch (Throwable e) {
            return ProbeReport.unavailable(Backend.CUDA, "not available: probing " + LIBRARY + " failed: " + e, details);
        }
    }

    private static String version(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }
}
