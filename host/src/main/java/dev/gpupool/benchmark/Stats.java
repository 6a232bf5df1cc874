package dev.gpupool.benchmark;

import java.util.Arrays;
import java.util.Collection;

/** Order statistics of measured samples. */
public final class Stats {
    private Stats() {
    }

    /** The {@code p}-th percentile (0..100), linearly interpolated between the closest ranks; NaN when empty. */
    public static double percentile(Collection<Double> samples, double p) {
        if (p < 0 || p > 100) throw new IllegalArgumentException("percentile must be 0..100, not " + p);
        double[] s = samples.stream().mapToDouble(Double::doubleValue).toArray();
        if (s.length == 0) return Double.NaN;
        Arrays.sort(s);
        double rank = p / 100 * (s.length - 1);
        int lo = (int) Math.floor(rank), hi = (int) Math.ceil(rank);
        return s[lo] + (s[hi] - s[lo]) * (rank - lo);
    }

    public static double median(Collection<Double> samples) {
        return percentile(samples, 50);
    }

    public static double min(Collection<Double> samples) {
        return samples.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public static double max(Collection<Double> samples) {
        return samples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
