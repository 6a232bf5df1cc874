package dev.gpupool.device.opencl;

import dev.gpupool.Backend;
import dev.gpupool.device.BackendProbe;
import dev.gpupool.device.ProbeReport;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Probes OpenCL: every platform and every device, usable or not. GPUs (and accelerators) are always
 * eligible; CPU devices (PoCL, Intel CPU runtime) only with {@code allowCpuDevices}, which the caller
 * sets when OpenCL was asked for explicitly rather than picked by {@code auto}. Never throws: a missing
 * {@code libOpenCL.so}, missing JOCL natives or an ICD error come back as an unusable report.
 */
public final class OpenClProbe implements BackendProbe {
    private final boolean allowCpuDevices;
    private final java.nio.file.Path vendors; // the ICD loader's list of drivers; null: always ask the drivers

    public OpenClProbe(boolean allowCpuDevices) {
        this(allowCpuDevices, java.nio.file.Path.of("/etc/OpenCL/vendors"));
    }

    /** As above, the drivers listed in {@code vendors} ({@link #cpuOnlyDrivers}); null: the drivers are always asked. */
    OpenClProbe(boolean allowCpuDevices, java.nio.file.Path vendors) {
        this.allowCpuDevices = allowCpuDevices;
        this.vendors = vendors;
    }

    /** Every device seen, with its usability under this probe's policy. */
    public record Scan(List<OpenClDevice> devices, List<String> details, String failure) {
        public List<OpenClDevice> usable() {
            return devices.stream().filter(OpenClDevice::usable).toList();
        }
    }

    @Override
    public ProbeReport probe(int deviceIndex) {
        return report(scan(), deviceIndex);
    }

    /** What {@code scan} says of device {@code deviceIndex}: usable, or why not. */
    ProbeReport report(Scan scan, int deviceIndex) {
        if (scan.failure() != null) return ProbeReport.unavailable(Backend.OPENCL, scan.failure(), scan.details());
        List<OpenClDevice> usable = scan.usable();
        if (usable.isEmpty()) {
            String why = scan.devices().isEmpty() ? "no OpenCL device found"
                    : "no usable OpenCL device among " + scan.devices().size()
                    + (allowCpuDevices ? "" : " (CPU devices are used only when opencl is asked for by name)");
            return ProbeReport.unavailable(Backend.OPENCL, why, scan.details());
        }
        if (deviceIndex < 0 || deviceIndex >= usable.size()) {
            return ProbeReport.unavailable(Backend.OPENCL, "device index " + deviceIndex + " out of range: "
                    + usable.size() + " usable OpenCL device(s)", scan.details());
        }
        OpenClDevice d = usable.get(deviceIndex);
        return new ProbeReport(Backend.OPENCL, true, d.label(),
                "device " + deviceIndex + " of " + usable.size() + " usable, " + d.type() + ", " + d.version(), scan.details());
    }

    /** Enumerates platforms and devices; never throws. */
    public Scan scan() {
        List<OpenClDevice> devices = new ArrayList<>();
        List<String> details = new ArrayList<>();
        String cpuOnly = allowCpuDevices || vendors == null ? null : cpuOnlyDrivers(System.getenv(), vendors);
        if (cpuOnly != null) {
            details.add(cpuOnly);
            return new Scan(devices, details, "not probed: " + cpuOnly);
        }
        try {
            CL.setExceptionsEnabled(true);
            int[] n = new int[1];
            try {
                CL.clGetPlatformIDs(0, null, n);
            } catch (CLException e) {
                // The ICD loader says CL_PLATFORM_NOT_FOUND_KHR (-1001) when no vendor is installed.
                details.add("OpenCL ICD loader found, but no platform: " + e.getMessage());
                return new Scan(devices, details, "not available: no OpenCL platform (" + e.getMessage() + ")");
            }
            if (n[0] == 0) {
                details.add("OpenCL ICD loader found, but no platform");
                return new Scan(devices, details, "not available: no OpenCL platform");
            }
            cl_platform_id[] platforms = new cl_platform_id[n[0]];
            CL.clGetPlatformIDs(platforms.length, platforms, null);
            for (int p = 0; p < platforms.length; p++) {
                String pname, pversion;
                try {
                    pname = platformString(platforms[p], CL.CL_PLATFORM_NAME);
                    pversion = platformString(platforms[p], CL.CL_PLATFORM_VERSION);
                } catch (Throwable t) {
                    details.add("platform " + p + ": not usable: cannot query it: " + t);
                    continue;
                }
                cl_device_id[] ids;
                try {
                    int[] nd = new int[1];
                    CL.clGetDeviceIDs(platforms[p], CL.CL_DEVICE_TYPE_ALL, 0, null, nd);
                    ids = new cl_device_id[nd[0]];
                    if (nd[0] > 0) CL.clGetDeviceIDs(platforms[p], CL.CL_DEVICE_TYPE_ALL, ids.length, ids, null);
                } catch (Throwable t) {
                    details.add("platform " + p + " '" + pname + "' (" + pversion + "): no devices: " + t.getMessage());
                    continue;
                }
                if (ids.length == 0) details.add("platform " + p + " '" + pname + "' (" + pversion + "): no devices");
                for (int d = 0; d < ids.length; d++) {
                    try {
                        OpenClDevice dev = describe(platforms[p], ids[d], p, d, pname, pversion);
                        devices.add(dev);
                        details.add(dev.detailLine());
                    } catch (Throwable t) {
                        details.add("platform " + p + " '" + pname + "' device " + d + ": not usable: cannot query it: " + t);
                    }
                }
            }
            return new Scan(devices, details, null);
        } catch (Throwable t) { // UnsatisfiedLinkError (no libOpenCL.so / JOCL natives), CLException, ...
            String why = t.getClass().getSimpleName() + ": " + t.getMessage();
            details.add("OpenCL not available: " + why);
            return new Scan(devices, details, "not available: " + why);
        }
    }

    /**
     * Why the OpenCL drivers installed cannot give {@code auto} a device, without loading them: every ICD
     * file in {@code vendors} (the ICD loader's list; {@code OCL_ICD_VENDORS} when set) names PoCL, whose
     * devices are CPUs, and {@code OCL_ICD_FILENAMES} adds none. Loading PoCL (and the LLVM it links) only to
     * be told so cost every {@code auto} command ~0.1 s of CPU and ~0.06 s before its first image. Null when
     * another driver is there, or none, or the list cannot be read: then the driver is asked.
     */
    static String cpuOnlyDrivers(java.util.Map<String, String> env, java.nio.file.Path vendors) {
        if (env.get("OCL_ICD_FILENAMES") != null && !env.get("OCL_ICD_FILENAMES").isBlank()) return null;
        java.nio.file.Path dir = env.get("OCL_ICD_VENDORS") != null ? java.nio.file.Path.of(env.get("OCL_ICD_VENDORS")) : vendors;
        List<String> libraries = new ArrayList<>();
        try (var files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : files.filter(f -> f.getFileName().toString().endsWith(".icd")).toList()) {
                String lib = java.nio.file.Files.readString(f, StandardCharsets.UTF_8).strip();
                if (!java.nio.file.Path.of(lib).getFileName().toString().startsWith("libpocl")) return null;
                libraries.add(lib);
            }
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
        if (libraries.isEmpty()) return null;
        return "the only OpenCL driver" + (libraries.size() > 1 ? "s are " : " is ") + String.join(", ", libraries)
                + " (PoCL: CPU devices, used only when opencl is asked for by name)";
    }

    private OpenClDevice describe(cl_platform_id platform, cl_device_id id, int p, int d, String pname, String pversion) {
        String name = deviceString(id, CL.CL_DEVICE_NAME);
        String vendor = deviceString(id, CL.CL_DEVICE_VENDOR);
        String version = deviceString(id, CL.CL_DEVICE_VERSION);
        String driver = deviceString(id, CL.CL_DRIVER_VERSION);
        long type = deviceLong(id, CL.CL_DEVICE_TYPE);
        long globalMem = deviceLong(id, CL.CL_DEVICE_GLOBAL_MEM_SIZE);
        long maxAlloc = deviceLong(id, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE);
        int units = deviceInt(id, CL.CL_DEVICE_MAX_COMPUTE_UNITS);
        boolean available = deviceInt(id, CL.CL_DEVICE_AVAILABLE) != 0;
        boolean compiler = deviceInt(id, CL.CL_DEVICE_COMPILER_AVAILABLE) != 0;
        long fp = deviceLong(id, CL.CL_DEVICE_SINGLE_FP_CONFIG);
        boolean crDivide = (fp & CL.CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0;
        String typeName = typeName(type);
        boolean gpuLike = (type & (CL.CL_DEVICE_TYPE_GPU | CL.CL_DEVICE_TYPE_ACCELERATOR)) != 0;
        String whyNot = null;
        if (!available) whyNot = "device reports it is not available";
        else if (!compiler) whyNot = "no OpenCL C compiler for this device";
        else if (!gpuLike && !allowCpuDevices) whyNot = typeName + " device: used only when opencl is asked for by name";
        return new OpenClDevice(platform, id, p, d, pname, pversion, name, vendor, typeName, version, driver,
                globalMem, maxAlloc, units, crDivide, whyNot == null, whyNot);
    }

    static String typeName(long type) {
        List<String> parts = new ArrayList<>();
        if ((type & CL.CL_DEVICE_TYPE_GPU) != 0) parts.add("GPU");
        if ((type & CL.CL_DEVICE_TYPE_CPU) != 0) parts.add("CPU");
        if ((type & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0) parts.add("accelerator");
        if ((type & CL.CL_DEVICE_TYPE_CUSTOM) != 0) parts.add("custom");
        return parts.isEmpty() ? "type " + type : String.join("+", parts);
    }

    static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetPlatformInfo(p, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetDeviceInfo(d, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    private static String cString(byte[] b) {
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) n--;
        return new String(b, 0, n, StandardCharsets.UTF_8).trim();
    }
}
