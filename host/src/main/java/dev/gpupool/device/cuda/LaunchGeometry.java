package dev.gpupool.device.cuda;

/**
 * The 1-D launch of one pass: {@code gridX} blocks of {@code blockX} threads, at least {@code total}
 * threads in all; the kernels return early for {@code gid >= total}. {@code total} is an int kernel
 * parameter and the global index is computed in 32 bits, so the whole grid must stay below 2^31
 * threads, which {@link #of} checks.
 */
record LaunchGeometry(int gridX, int blockX) {
    /** Threads per block: a multiple of the warp size that keeps every SM from 7.5 on fully occupied at 32 registers. */
    static final int BLOCK = 256;
    /** CUDA's limit on gridDim.x (compute capability 3.0 and newer). */
    static final long MAX_GRID_X = Integer.MAX_VALUE;

    LaunchGeometry {
        if (gridX < 1 || blockX < 1 || blockX > 1024) throw new IllegalArgumentException("bad launch " + gridX + "x" + blockX);
    }

    /** The launch covering {@code total} work items (at least 1). */
    static LaunchGeometry of(long total) {
        return of(total, BLOCK);
    }

    static LaunchGeometry of(long total, int block) {
        if (total < 1) throw new IllegalArgumentException("a launch needs at least one work item, not " + total);
        long grid = (total + block - 1) / block;
        // blockIdx.x * blockDim.x + threadIdx.x is evaluated in 32-bit unsigned and cast to int: keep it below 2^31.
        if (grid > MAX_GRID_X || grid * block > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(total + " work items exceed one launch (the kernels index with ints)");
        }
        return new LaunchGeometry((int) grid, block);
    }

    long threads() {
        return (long) gridX * blockX;
    }
}
