package dev.gpupool.device;

import dev.gpupool.Backend;
import dev.gpupool.BackendUnavailableException;
import dev.gpupool.cpu.ProcessPool;

import java.util.ArrayList;
import java.util.List;

/** Probes backends and chooses one: CUDA, else an OpenCL GPU, else the CPU process pool. */
public final class Backends {
    /**
     * Task threads per worker JVM of the {@code cpu} backend. Each JVM costs a start-up and its own
     * JIT warm-up (on 2 cores, a second worker JVM cost about 0.2 s of CPU over 42 photos, a tenth of
     * the job); sharing a JVM costs a crash's retries: the other tasks of a crashed process run again,
     * alone. Four keeps that blast radius small on many-core machines; on 2 to 4 cores it means one
     * worker process.
     */
    public static final int CPU_THREADS_PER_PROCESS = 4;

    private Backends() {
    }

    /** The backend chosen, and what probing found on the way. */
    public record Selection(ProbeReport chosen, List<ProbeReport> probes) {
    }

    /** Probes what {@code requested} needs; throws {@link BackendUnavailableException} when it cannot run. */
    public static Selection select(Backend requested, int deviceIndex, int workers) {
        List<ProbeReport> seen = new ArrayList<>();
        if (requested == Backend.AUTO) {
            for (Backend b : List.of(Backend.CUDA, Backend.OPENCL)) {
                ProbeReport r = probe(b, deviceIndex, workers, false);
                seen.add(r);
                if (r.usable()) return new Selection(r, seen);
            }
            ProbeReport cpu = probe(Backend.CPU, deviceIndex, workers, false);
            seen.add(cpu);
            return new Selection(cpu, seen);
        }
        ProbeReport r = probe(requested, deviceIndex, workers, true);
        seen.add(r);
        if (!r.usable()) throw new BackendUnavailableException(requested.cliName() + " backend " + r.reason());
        return new Selection(r, seen);
    }

    /** Every backend, usable or not, with the reasons (what {@code gpupool devices} prints). */
    public static List<ProbeReport> probeAll(int workers) {
        List<ProbeReport> all = new ArrayList<>();
        for (Backend b : List.of(Backend.CUDA, Backend.OPENCL, Backend.CPU, Backend.CPU_THREADS)) {
            all.add(probe(b, 0, workers, true));
        }
        return all;
    }

    /**
     * Probes one backend. {@code explicit} is true when the user named it: an OpenCL CPU device (PoCL)
     * is only taken then, never by {@code auto}.
     */
    public static ProbeReport probe(Backend b, int deviceIndex, int workers, boolean explicit) {
        return switch (b) {
            case CUDA -> new dev.gpupool.device.cuda.CudaProbe().probe(deviceIndex);
            case OPENCL -> new dev.gpupool.device.opencl.OpenClProbe(explicit).probe(deviceIndex);
            case CPU -> new ProbeReport(Backend.CPU, true, ProcessPool.describe(workers, CPU_THREADS_PER_PROCESS), "usable", List.of());
            case CPU_THREADS -> new ProbeReport(Backend.CPU_THREADS, true, workers + " thread" + (workers == 1 ? "" : "s") + " in this process", "usable", List.of());
            case AUTO -> throw new IllegalArgumentException("auto is not a backend to probe");
        };
    }
}
