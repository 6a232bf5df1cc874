package dev.gpupool.device.cuda;

/**
 * A CUDA device as the driver listed it.
 *
 * @param ordinal       the driver's device number ({@code cuDeviceGet})
 * @param name          "NVIDIA H100 80GB HBM3"
 * @param major         compute capability major
 * @param minor         compute capability minor
 * @param driverVersion {@code cuDriverGetVersion}, e.g. 13000
 */
public record CudaDevice(int ordinal, String name, int major, int minor, int driverVersion) {
    /** "NVIDIA H100 80GB HBM3 (compute 9.0, driver CUDA 13.0)". */
    public String label() {
        return name + " (compute " + major + "." + minor + ", driver CUDA " + CudaProbe.version(driverVersion) + ")";
    }
}
