package dev.gpupool.backend;

import dev.gpupool.Backend;

/**
 * One backend, as {@link Backends} sees it: registered in
 * {@code META-INF/services/dev.gpupool.backend.BackendProvider} and found with
 * {@link java.util.ServiceLoader}, so adding a backend names it in no generic code.
 */
public interface BackendProvider {
    /** {@link #autoOrder()} of a backend that {@code auto} never chooses. */
    int NOT_AUTO = Integer.MAX_VALUE;

    /** The backend this provides (never {@link Backend#AUTO}). */
    Backend backend();

    /** Where {@code auto} tries this backend: lower first; {@link #NOT_AUTO} for never. */
    int autoOrder();

    /**
     * Probes and, when the backend can run here, opens the runtime a pool would use: "usable" means
     * that runtime exists and has done real work (for a device: memory allocated and a kernel run).
     * Never throws; an unusable backend comes back as a report with the reason and no runtime. The
     * caller owns the runtime: it uses it or closes it.
     */
    ProbeResult open(ProbeOptions options);

    /**
     * Whether {@code className} can be loaded: a provider whose binding (JCuda, JOCL: optional
     * dependencies) is absent says so before it runs any native code.
     */
    static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, BackendProvider.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
