package dev.gpupool.kernel;

/**
 * The Java fallback of a {@link Kernel}: does work items {@code range.start()} to {@code range.end() - 1}
 * of a launch, reading and writing the launch's arrays and buffers in place through {@code args}.
 * A launch of N items calls it on the pool's threads with disjoint ranges covering {@code [0, N)},
 * possibly at the same time, so (as on a device) work items must not depend on each other.
 */
@FunctionalInterface
public interface CpuBody {
    void run(Range range, KernelArgs args) throws Exception;
}
