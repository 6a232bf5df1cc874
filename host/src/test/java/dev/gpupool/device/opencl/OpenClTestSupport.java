package dev.gpupool.device.opencl;

import dev.gpupool.device.ProbeReport;
import org.junit.jupiter.api.Assumptions;


import static org.junit.jupiter.api.Assertions.fail;

/** Shared helpers: the CI rule for a missing platform, test images, and the comparison with the CPU reference. */
final class OpenClTestSupport {
    private OpenClTestSupport() {
    }

    /** A usable CPU-or-GPU OpenCL report, or: fail when {@code CI} is set, skip with the reason elsewhere. */
    static ProbeReport requireOpenCl() {
        ProbeReport r = new OpenClProbe(true).probe(0);
        if (!r.usable()) {
            String msg = "no usable OpenCL device (install ocl-icd-opencl-dev and pocl-opencl-icd): " + r.reason()
                    + "; details: " + r.details();
            if (System.getenv("CI") != null) fail("CI is set, so OpenCL must be available: " + msg);
            Assumptions.abort(msg);
        }
        return r;
    }



}
