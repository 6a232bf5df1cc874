package dev.gpupool.backend.cpu;

import dev.gpupool.Backend;
import dev.gpupool.backend.BackendProvider;
import dev.gpupool.backend.ProbeOptions;
import dev.gpupool.backend.ProbeResult;
import dev.gpupool.cpu.ProcessPool;
import dev.gpupool.device.ProbeReport;

import java.util.List;

/** {@code cpu}: each image in a worker JVM. Always usable; auto's last resort. */
public final class CpuProcessesProvider implements BackendProvider {
    @Override
    public Backend backend() {
        return Backend.CPU;
    }

    @Override
    public int autoOrder() {
        return 100;
    }

    @Override
    public ProbeResult open(ProbeOptions o) {
        String device = ProcessPool.describe(o.workers(), ProcessEngine.CPU_THREADS_PER_PROCESS);
        ProbeReport report = new ProbeReport(Backend.CPU, true, device, "usable", List.of());
        return new ProbeResult(report, new CpuRuntime(report, (pool, expected) -> ProcessEngine.start(pool, pool.workerClassPath(), expected)));
    }
}
