package dev.gpupool.device.cuda;

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
 * The CUDA backend: {@link CudaProbe#scan()} asks the driver through FFM what devices there are (no
 * JNI library is loaded on a machine without one); then the chosen device's {@link CudaSession} is
 * opened and checked, and that session is the one the pool uses.
 */
public final class CudaProvider implements BackendProvider {
    private final CudaProbe probe;

    public CudaProvider() {
        this(new CudaProbe());
    }

    CudaProvider(CudaProbe probe) {
        this.probe = probe;
    }

    @Override
    public Backend backend() {
        return Backend.CUDA;
    }

    @Override
    public int autoOrder() {
        return 0;
    }

    /** Why CUDA is unusable when JCuda, an optional dependency of gpupool-host, was left out. */
    static final String NO_JCUDA = "not available: JCuda (org.jcuda:jcuda and org.jcuda:jcuda-natives:linux-x86_64)"
            + " is not on the class path; add it to use CUDA";

    @Override
    public ProbeResult open(ProbeOptions o) {
        // Before the FFM scan: without JCuda there is nothing to open, and no native code need run.
        if (!BackendProvider.onClassPath("jcuda.driver.JCudaDriver")) return unusable(NO_JCUDA, List.of());
        CudaProbe.Scan scan = probe.scan();
        List<String> details = new ArrayList<>(scan.details());
        if (scan.failure() != null) return unusable("not available: " + scan.failure(), details);
        if (o.deviceIndex() >= scan.usable().size()) {
            return unusable("not available: device " + o.deviceIndex() + " asked for, " + scan.usable().size() + " usable", details);
        }
        CudaDevice dev = scan.usable().get(o.deviceIndex());
        CudaSession session = null;
        try {
            session = CudaSession.open(dev);
            CudaResizer r = session.resizer();
            details.add("cuda device " + dev.ordinal() + ": PTX (ISA " + r.ptxIsa() + ", " + r.ptxTarget()
                    + ") loaded, pinned and device memory allocated, resize kernels run and equal to the CPU reference");
            details.add("cuda device " + dev.ordinal() + ": " + session.jpegStatus());
            ProbeReport report = new ProbeReport(Backend.CUDA, true, dev.name(), "usable (" + session.deviceName() + ")", List.copyOf(details));
            return new ProbeResult(report, new DeviceRuntime(report, session));
        } catch (DeviceException e) {
            if (session != null) session.close();
            details.add("cuda device " + dev.ordinal() + ": " + e.getMessage());
            return unusable("not available: " + e.getMessage(), details);
        } catch (Throwable t) { // never let a probe take the caller down
            if (session != null) session.close();
            return unusable("not available: opening " + dev.name() + " failed: " + CudaSession.describe(t), details);
        }
    }

    private static ProbeResult unusable(String reason, List<String> details) {
        return ProbeResult.unusable(ProbeReport.unavailable(Backend.CUDA, reason, List.copyOf(details)));
    }
}
