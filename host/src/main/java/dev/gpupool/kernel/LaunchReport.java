package dev.gpupool.kernel;

import dev.gpupool.Backend;

/**
 * How a launch ran, the value of its future.
 *
 * @param kernel     the kernel's name
 * @param backend    where it ran: {@link Backend#CUDA}, {@link Backend#OPENCL}, or {@link Backend#CPU_THREADS}
 *                   for the Java fallback (on a {@code cpu} pool too: a Java lambda cannot cross into its worker processes)
 * @param device     the device, e.g. "Portable Computing Language: cpu", or "4 threads in this process"
 * @param globalSize work items
 * @param note       why the Java fallback ran on a CUDA or OpenCL pool (the kernel has no code for it), else null
 */
public record LaunchReport(String kernel, Backend backend, String device, int globalSize, String note) {
    /** True when the Java fallback ran although the pool's backend is a device. */
    public boolean fellBack() {
        return note != null;
    }
}
