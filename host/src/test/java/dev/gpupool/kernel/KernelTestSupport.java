package dev.gpupool.kernel;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.device.ProbeReport;
import dev.gpupool.device.cuda.CudaProbe;
import dev.gpupool.device.opencl.OpenClProbe;
import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/** Opening pools for the kernel tests, with the project's rules for missing devices. */
final class KernelTestSupport {
    private KernelTestSupport() {
    }

    /** An OpenCL pool (PoCL here): without a platform, fail when {@code CI} is set, else skip with the reason. */
    static Pool openClPool() {
        ProbeReport r = new OpenClProbe(true).probe(0);
        if (!r.usable()) {
            String msg = "no usable OpenCL device (install ocl-icd-opencl-dev and pocl-opencl-icd): " + r.reason() + "; " + r.details();
            if (System.getenv("CI") != null) fail("CI is set, so OpenCL must be available: " + msg);
            Assumptions.abort(msg);
        }
        return Pool.builder().backend(Backend.OPENCL).workers(2).open();
    }

    /** A CUDA pool, or a skip with the probe's reason ({@code -Dgpupool.requireGpu=true}: a failure). */
    static Pool cudaPool() {
        CudaProbe.Scan scan = new CudaProbe().scan();
        if (scan.failure() != null) {
            String msg = "no CUDA device: " + scan.failure();
            if (Boolean.getBoolean("gpupool.requireGpu")) fail("gpupool.requireGpu is set: " + msg);
            Assumptions.abort(msg);
        }
        return Pool.builder().backend(Backend.CUDA).workers(2).open();
    }

    static Pool pool(Backend b) {
        return switch (b) {
            case OPENCL -> openClPool();
            case CUDA -> cudaPool();
            default -> Pool.builder().backend(b).workers(2).open();
        };
    }
}
