package dev.gpupool.device.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.util.Locale;

/**
 * One OpenCL device as the probe saw it.
 *
 * @param usable whether the resizer may run on it under the probe's policy; {@code whyNot} says why not
 */
public record OpenClDevice(cl_platform_id platform, cl_device_id device, int platformIndex, int deviceIndex,
                           String platformName, String platformVersion, String name, String vendor, String type,
                           String version, String driverVersion, long globalMemBytes, long maxAllocBytes,
                           int computeUnits, boolean correctlyRoundedDivide, boolean usable, String whyNot) {

    /** "NVIDIA H100 (NVIDIA CUDA, driver 550.54)". */
    public String label() {
        return name + " (" + platformName + ", driver " + driverVersion + ")";
    }

    /** One line for {@code ProbeReport.details}. */
    public String detailLine() {
        return String.format(Locale.ROOT, "platform %d '%s' (%s) device %d: %s, vendor %s, type %s, %s, driver %s, "
                        + "%d compute units, %d MiB global memory, %d MiB max allocation: %s",
                platformIndex, platformName, platformVersion, deviceIndex, name, vendor, type, version, driverVersion,
                computeUnits, globalMemBytes >> 20, maxAllocBytes >> 20, usable ? "usable" : "not usable: " + whyNot);
    }
}
