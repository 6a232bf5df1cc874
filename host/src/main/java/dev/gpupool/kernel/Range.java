package dev.gpupool.kernel;

/**
 * The work items {@code start} (inclusive) to {@code end} (exclusive) that one call of a
 * {@link CpuBody} handles: a slice of {@code [0, globalSize)}.
 */
public record Range(int start, int end) {
    public Range {
        if (start < 0 || end < start) throw new IllegalArgumentException("bad range [" + start + ", " + end + ")");
    }

    public int size() {
        return end - start;
    }
}
