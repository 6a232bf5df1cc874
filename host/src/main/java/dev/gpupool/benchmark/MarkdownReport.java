package dev.gpupool.benchmark;

import java.util.Locale;

/** The table {@code gpupool bench} prints and writes to {@code bench.md}, with the machine and what each column means. */
public final class MarkdownReport {
    private MarkdownReport() {
    }

    /** The table alone: header, separator, one row per contender. */
    public static String table(BenchResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append("| backend / peer | device | images/s (median) | images/s min–max | MP/s (median) | p50 ms | p95 ms | speed-up vs Thumbnailator | peak memory |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (ContenderResult c : r.contenders()) {
            double speedUp = r.speedUp(c);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f–%.2f | %.1f | %.0f | %.0f | %s | %s |%n",
                    cell(c.name()), cell(c.device()), c.medianImagesPerSecond(), Stats.min(c.imagesPerSecond()), Stats.max(c.imagesPerSecond()),
                    c.medianMegapixelsPerSecond(), Stats.percentile(c.latencies(), 50), Stats.percentile(c.latencies(), 95),
                    Double.isNaN(speedUp) ? "n/a" : String.format(Locale.ROOT, "%.2fx", speedUp), memory(c)));
        }
        return sb.toString();
    }

    /** The whole of {@code bench.md}. */
    public static String document(BenchResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# gpupool bench\n\n");
        sb.append("`").append(r.command()).append("`\n\n");
        sb.append(String.format(Locale.ROOT, "%d images (%s, %.1f source megapixels), fitted into %d x %d px, written as JPEG quality 85; "
                        + "%d warm-up round%s then %d measured round%s, contenders interleaved in an order rotated every round.%n%n",
                r.images(), r.inputs(), r.sourceMegapixels(), r.box(), r.box(), r.warmup(), r.warmup() == 1 ? "" : "s",
                r.rounds(), r.rounds() == 1 ? "" : "s"));
        sb.append("Machine:\n\n").append(r.machine().markdown()).append("\n");
        sb.append(table(r)).append("\n");
        sb.append("""
                - images/s: images written per second of batch wall time (first submission to last file written); \
                median over the measured rounds, and its min–max spread.
                - MP/s: source megapixels (full size, before any shrink-on-load) thumbnailed per second.
                - p50/p95 ms: per-image latency from submission to output written, over every image of every measured round, \
                with at most 4 x workers images in flight (gpupool's batch runner; the Thumbnailator runner mirrors it).
                - speed-up: median images/s over Thumbnailator's median images/s, same images, same box, same run.
                - peak memory: peak used Java heap of this JVM (live objects and not yet collected garbage, sampled every 10 ms) \
                while that contender ran; for the cpu backend plus the summed resident memory (VmRSS) of its worker processes. \
                GPU memory is not included.
                - Pools are opened (worker processes started) before the warm-up, untimed; what happens on first use (OpenCL program build or cache load, JIT) lands in the warm-up rounds.
                """);
        if (!r.notes().isEmpty()) {
            sb.append("\nNotes:\n\n");
            for (String n : r.notes()) sb.append("- ").append(n).append("\n");
        }
        return sb.toString();
    }

    static String memory(ContenderResult c) {
        String heap = mb(c.peakHeapBytes()) + " heap";
        long kids = c.peakChildBytes();
        return kids >= 0 ? heap + " + " + mb(kids) + " workers' RSS" : heap;
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%d MB", Math.round(bytes / 1048576.0));
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
