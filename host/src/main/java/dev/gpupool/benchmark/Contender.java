package dev.gpupool.benchmark;

import java.nio.file.Path;
import java.util.List;

/** One of the things compared: a gpupool backend or a peer, able to thumbnail a batch again and again. */
public interface Contender extends AutoCloseable {
    /** The row name: {@code cpu}, {@code opencl}, {@code Thumbnailator 0.4.20}. */
    String name();

    /** What it ran on: "2 worker processes", a GPU's name and driver. */
    String device();

    /** True for the reference the speed-ups are taken over. */
    boolean isPeer();

    /** True when its work runs in child processes, whose resident memory then counts as its own. */
    boolean usesChildProcesses();

    /** Thumbnails {@code inputs} into {@code outDir} (existing outputs are redone). */
    Batch run(List<Path> inputs, Path outDir) throws Exception;

    @Override
    void close();

    /**
     * One batch as it went.
     *
     * @param seconds    wall time from the first submission to the last output written
     * @param okInputs   inputs thumbnailed
     * @param latencies  per-image milliseconds from submission to output written, parallel to {@code okInputs}
     * @param failed     inputs that failed
     * @param firstError the first failure's reason, null when none failed
     */
    record Batch(double seconds, List<Path> okInputs, List<Double> latencies, int failed, String firstError) {
        public Batch {
            okInputs = List.copyOf(okInputs);
            latencies = List.copyOf(latencies);
            if (okInputs.size() != latencies.size()) throw new IllegalArgumentException("one latency per ok input");
        }
    }
}
