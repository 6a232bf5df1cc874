package dev.gpupool.device.opencl;

import dev.gpupool.Backend;
import dev.gpupool.backend.BackendProvider;
import dev.gpupool.backend.ProbeOptions;
import dev.gpupool.backend.ProbeResult;
import dev.gpupool.backend.device.DeviceRuntime;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.ProbeReport;

import java.util.ArrayList;
import java.util.List;

/**
 * The OpenCL backend: {@link OpenClProbe} lists the platforms and devices (GPUs only for
 * {@code auto}; a CPU device such as PoCL when opencl is named), then the chosen device's
 * {@link OpenClSession} is opened and checked, and that session is the one the pool uses.
 */
public final class OpenClProvider implements BackendProvider {
    @Override
    public Backend backend() {
        return Backend.OPENCL;
    }

    @Override
    public int autoOrder() {
        return 10;
    }

    /** Why OpenCL is unusable when JOCL, an optional dependency of gpupool-host, was left out. */
    static final String NO_JOCL = "not available: JOCL (org.jocl:jocl) is not on the class path; add it to use OpenCL";

    @Override
    public ProbeResult open(ProbeOptions o) {
        if (!BackendProvider.onClassPath("org.jocl.CL")) return ProbeResult.unusable(ProbeReport.unavailable(Backend.OPENCL, NO_JOCL, List.of()));
        OpenClProbe probe = new OpenClProbe(o.explicit());
        OpenClProbe.Scan scan = probe.scan();
        ProbeReport listed = probe.report(scan, o.deviceIndex());
        if (!listed.usable()) return ProbeResult.unusable(listed);
        OpenClDevice d = scan.usable().get(o.deviceIndex());
        List<String> details = new ArrayList<>(listed.details());
        try {
            OpenClSession session = OpenClSession.open(d, ProgramCache.defaultDir());
            details.add("opencl device " + o.deviceIndex() + ": resize program ready, a batch run and equal to the CPU reference");
            ProbeReport report = new ProbeReport(Backend.OPENCL, true, listed.device(), listed.reason(), List.copyOf(details));
            return new ProbeResult(report, new DeviceRuntime(report, session));
        } catch (DeviceException | RuntimeException e) {
            details.add("opencl device " + o.deviceIndex() + ": " + e.getMessage().lines().findFirst().orElse(""));
            return ProbeResult.unusable(ProbeReport.unavailable(Backend.OPENCL, "not available: " + e.getMessage(), List.copyOf(details)));
        }
    }

}
