package dev.gpupool.backend;

/**
 * What a probe is asked for.
 *
 * @param deviceIndex which of the backend's usable devices (0: the first)
 * @param workers     the pool's task threads (and CPU worker processes)
 * @param explicit    true when the user named the backend (only then may OpenCL take a CPU device such as PoCL)
 */
public record ProbeOptions(int deviceIndex, int workers, boolean explicit) {
    public ProbeOptions {
        if (deviceIndex < 0) throw new IllegalArgumentException("device index must be >= 0");
        if (workers < 1) throw new IllegalArgumentException("workers must be >= 1");
    }
}
