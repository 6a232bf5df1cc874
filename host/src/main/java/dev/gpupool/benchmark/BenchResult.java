package dev.gpupool.benchmark;

import java.util.List;

/**
 * A whole {@code gpupool bench} run.
 *
 * @param command          the command line that produced it
 * @param machine          where it ran
 * @param images           images in the batch
 * @param sourceMegapixels their megapixels at full size
 * @param inputs           where the batch came from ("42 files under /tmp/photos", "generated")
 * @param box              the bounding box, pixels
 * @param warmup           warm-up rounds (not measured)
 * @param rounds           measured rounds
 * @param contenders       one per contender, in table order
 * @param notes            what went wrong or was left out, one line each
 */
public record BenchResult(String command, Machine machine, int images, double sourceMegapixels, String inputs, int box,
                          int warmup, int rounds, List<ContenderResult> contenders, List<String> notes) {
    public BenchResult {
        contenders = List.copyOf(contenders);
        notes = List.copyOf(notes);
    }

    /** The peer's median images/s, NaN when no peer ran. */
    public double peerImagesPerSecond() {
        return contenders.stream().filter(ContenderResult::peer).findFirst()
                .map(ContenderResult::medianImagesPerSecond).orElse(Double.NaN);
    }

    /** {@code c}'s median images/s over the peer's; NaN when there is no peer. */
    public double speedUp(ContenderResult c) {
        double p = peerImagesPerSecond();
        return p > 0 ? c.medianImagesPerSecond() / p : Double.NaN;
    }
}
