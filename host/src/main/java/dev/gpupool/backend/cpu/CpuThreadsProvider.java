package dev.gpupool.backend.cpu;

import dev.gpupool.Backend;
import dev.gpupool.backend.BackendProvider;
import dev.gpupool.backend.ProbeOptions;
import dev.gpupool.backend.ProbeResult;
import dev.gpupool.device.ProbeReport;

import java.util.List;

/** {@code cpu-threads}: every job on the pool's threads in this process. Always usable; never chosen by auto. */
public final class CpuThreadsProvider implements BackendProvider {
    @Override
    public Backend backend() {
        return Backend.CPU_THREADS;
    }

    @Override
    public int autoOrder() {
        return NOT_AUTO;
    }

    @Override
    public ProbeResult open(ProbeOptions o) {
        String device = describe(o.workers());
        ProbeReport report = new ProbeReport(Backend.CPU_THREADS, true, device, "usable", List.of());
        return new ProbeResult(report, new CpuRuntime(report, (pool, expected) -> new CpuRuntime.Made(new ThreadsEngine(pool), null)));
    }

    /** "2 threads in this process". */
    public static String describe(int workers) {
        return workers + " thread" + (workers == 1 ? "" : "s") + " in this process";
    }
}
