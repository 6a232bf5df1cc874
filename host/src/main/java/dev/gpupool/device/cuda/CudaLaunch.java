package dev.gpupool.device.cuda;

import dev.gpupool.kernel.Arg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The GPU-free half of a CUDA launch: the grid for a global size, and each scalar's bytes as
 * {@code cuLaunchKernel} reads them (its {@code kernelParams} entry points at exactly the parameter's
 * size in the device's little-endian order).
 */
final class CudaLaunch {
    /** Threads per block; kernels return early for items at or past their size. */
    static final int BLOCK = 256;

    private CudaLaunch() {
    }

    /** Blocks (gridDim.x) covering {@code globalSize} items, at least 1. */
    static int gridFor(int globalSize) {
        if (globalSize < 1) throw new IllegalArgumentException("a launch needs at least one work item");
        // ceil without overflow; gridDim.x may be up to 2^31 - 1, so any int global size fits.
        return (int) (((long) globalSize + BLOCK - 1) / BLOCK);
    }

    /** The scalar's value as the kernel parameter's bytes (4 for int and float, 8 for long and double). */
    static byte[] scalarBytes(Arg.Scalar s) {
        ByteBuffer b = ByteBuffer.allocate(s.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (s.value()) {
            case Integer v -> b.putInt(v);
            case Long v -> b.putLong(v);
            case Float v -> b.putFloat(v);
            case Double v -> b.putDouble(v);
            default -> throw new IllegalStateException(String.valueOf(s.value()));
        }
        return b.array();
    }
}
