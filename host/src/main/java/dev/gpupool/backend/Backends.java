package dev.gpupool.backend;

import dev.gpupool.Backend;
import dev.gpupool.BackendUnavailableException;
import dev.gpupool.device.ProbeReport;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Chooses a backend among the {@link BackendProvider}s on the class path: for {@code auto} the first
 * usable in {@link BackendProvider#autoOrder()} (CUDA, an OpenCL GPU, then the CPU process pool);
 * otherwise the one asked for. The chosen probe's runtime is the one the pool uses, so a device is
 * opened once per pool; runtimes probed and not chosen are closed here.
 */
public final class Backends {
    private static final List<BackendProvider> PROVIDERS = load();

    private Backends() {
    }

    /** The runtime chosen, and what probing found on the way (in probing order). */
    public record Selection(BackendRuntime runtime, List<ProbeReport> probes) {
    }

    private static List<BackendProvider> load() {
        List<BackendProvider> all = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(all::add);
        all.sort(Comparator.comparing(BackendProvider::backend)); // enum order: cuda, opencl, cpu, cpu-threads
        return List.copyOf(all);
    }

    /** The provider of {@code backend}; throws when none is on the class path. */
    static BackendProvider provider(Backend backend) {
        for (BackendProvider p : PROVIDERS) if (p.backend() == backend) return p;
        throw new BackendUnavailableException(backend.cliName() + " backend is not on the class path (no BackendProvider for it)");
    }

    /** Probes what {@code requested} needs and opens it; throws {@link BackendUnavailableException} when it cannot run. */
    public static Selection select(Backend requested, int deviceIndex, int workers) {
        List<ProbeReport> seen = new ArrayList<>();
        if (requested == Backend.AUTO) {
            List<BackendProvider> order = PROVIDERS.stream().filter(p -> p.autoOrder() != BackendProvider.NOT_AUTO)
                    .sorted(Comparator.comparingInt(BackendProvider::autoOrder)).toList();
            for (BackendProvider p : order) {
                ProbeResult r = p.open(new ProbeOptions(deviceIndex, workers, false));
                seen.add(r.report());
                if (r.runtime() != null) return new Selection(r.runtime(), List.copyOf(seen));
            }
            throw new BackendUnavailableException("no backend can run here: " + seen);
        }
        ProbeResult r = provider(requested).open(new ProbeOptions(deviceIndex, workers, true));
        seen.add(r.report());
        if (r.runtime() == null) throw new BackendUnavailableException(requested.cliName() + " backend " + r.report().reason());
        return new Selection(r.runtime(), List.copyOf(seen));
    }

    /** Every backend, usable or not, with the reasons (what {@code gpupool devices} prints); nothing stays open. */
    public static List<ProbeReport> probeAll(int workers) {
        List<ProbeReport> all = new ArrayList<>();
        for (BackendProvider p : PROVIDERS) all.add(probe(p.backend(), 0, workers, true));
        return all;
    }

    /**
     * Probes one backend and closes what it opened. {@code explicit} is true when the user named it:
     * an OpenCL CPU device (PoCL) is only taken then, never by {@code auto}.
     */
    public static ProbeReport probe(Backend b, int deviceIndex, int workers, boolean explicit) {
        try (ProbeResult r = provider(b).open(new ProbeOptions(deviceIndex, workers, explicit))) {
            return r.report();
        }
    }
}
