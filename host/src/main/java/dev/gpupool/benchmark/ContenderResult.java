package dev.gpupool.benchmark;

import java.util.ArrayList;
import java.util.List;

/**
 * A contender's measured rounds (warm-up rounds are not here).
 *
 * @param name   row name
 * @param device what it ran on
 * @param peer   true for the reference of the speed-ups
 * @param rounds one per measured round
 */
public record ContenderResult(String name, String device, boolean peer, List<Round> rounds) {
    public ContenderResult {
        rounds = List.copyOf(rounds);
    }

    /**
     * One measured round.
     *
     * @param seconds          wall time of the batch
     * @param ok               images thumbnailed
     * @param failed           images that failed
     * @param sourceMegapixels megapixels of the images thumbnailed, at their full size
     * @param latencies        per-image milliseconds, submission to output written
     * @param peakHeapBytes    peak used heap of this JVM seen while it ran
     * @param peakChildBytes   peak summed RSS of worker processes seen while it ran, -1 when it has none
     */
    public record Round(double seconds, int ok, int failed, double sourceMegapixels, List<Double> latencies,
                        long peakHeapBytes, long peakChildBytes) {
        public Round {
            latencies = List.copyOf(latencies);
        }

        public double imagesPerSecond() {
            return seconds > 0 ? ok / seconds : 0;
        }

        public double megapixelsPerSecond() {
            return seconds > 0 ? sourceMegapixels / seconds : 0;
        }
    }

    private List<Double> perRound(java.util.function.ToDoubleFunction<Round> f) {
        List<Double> xs = new ArrayList<>();
        for (Round r : rounds) xs.add(f.applyAsDouble(r));
        return xs;
    }

    public List<Double> imagesPerSecond() {
        return perRound(Round::imagesPerSecond);
    }

    public double medianImagesPerSecond() {
        return Stats.median(imagesPerSecond());
    }

    public double medianMegapixelsPerSecond() {
        return Stats.median(perRound(Round::megapixelsPerSecond));
    }

    /** Every image's latency over every measured round. */
    public List<Double> latencies() {
        List<Double> all = new ArrayList<>();
        for (Round r : rounds) all.addAll(r.latencies());
        return all;
    }

    public int failed() {
        return rounds.stream().mapToInt(Round::failed).max().orElse(0);
    }

    public long peakHeapBytes() {
        return rounds.stream().mapToLong(Round::peakHeapBytes).max().orElse(0);
    }

    public long peakChildBytes() {
        return rounds.stream().mapToLong(Round::peakChildBytes).max().orElse(-1);
    }
}
