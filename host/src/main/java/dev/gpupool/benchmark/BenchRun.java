package dev.gpupool.benchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs every contender on the same batch, interleaved: round r runs them in the order rotated by r,
 * so none always goes first or last; the first {@code warmup} rounds are thrown away (worker start-up,
 * JIT, kernel builds, file cache). A full GC runs before each batch, outside the timed part, so that
 * each starts from a clean heap.
 */
public final class BenchRun {
    private BenchRun() {
    }

    /**
     * Measures {@code contenders} on {@code images} (full-size megapixels of each), writing outputs
     * under {@code work}; progress lines go to {@code log}.
     */
    public static List<ContenderResult> measure(List<Contender> contenders, Map<Path, Double> images, int warmup, int rounds,
                                                Path work, PrintStream log, List<String> notes) throws Exception {
        List<Path> inputs = List.copyOf(images.keySet());
        Map<Contender, List<ContenderResult.Round>> measured = new LinkedHashMap<>();
        contenders.forEach(c -> measured.put(c, new ArrayList<>()));
        List<Contender> failedOnce = new ArrayList<>();
        int n = contenders.size();
        for (int round = 0; round < warmup + rounds; round++) {
            boolean warm = round < warmup;
            for (int k = 0; k < n; k++) {
                Contender c = contenders.get((k + round) % n);
                Path out = work.resolve(c.name().replaceAll("[^A-Za-z0-9.-]+", "_"));
                deleteTree(out);
                Files.createDirectories(out);
                System.gc();
                Contender.Batch b;
                long heap, kids;
                try (MemorySampler mem = MemorySampler.start(c.usesChildProcesses())) {
                    b = c.run(inputs, out);
                    mem.close();
                    heap = mem.peakHeap();
                    kids = mem.peakChildren();
                }
                double mp = 0;
                for (Path p : b.okInputs()) mp += images.getOrDefault(p, images.getOrDefault(p.toAbsolutePath(), 0.0));
                log.printf(Locale.ROOT, "%s %d/%d %-22s %6.2f s  %5.1f img/s%s%n", warm ? "warm-up" : "round  ",
                        warm ? round + 1 : round - warmup + 1, warm ? warmup : rounds, c.name(), b.seconds(), b.okInputs().size() / b.seconds(),
                        b.failed() > 0 ? "  (" + b.failed() + " failed)" : "");
                if (b.failed() > 0 && !failedOnce.contains(c)) {
                    failedOnce.add(c);
                    notes.add(c.name() + ": " + b.failed() + " of " + inputs.size() + " images failed, first: " + b.firstError());
                }
                if (!warm) {
                    measured.get(c).add(new ContenderResult.Round(b.seconds(), b.okInputs().size(), b.failed(), mp, b.latencies(), heap, kids));
                }
                deleteTree(out);
            }
        }
        List<ContenderResult> results = new ArrayList<>();
        for (Contender c : contenders) results.add(new ContenderResult(c.name(), c.device(), c.isPeer(), measured.get(c)));
        return results;
    }

    /** Removes {@code dir} and everything below it; nothing when it does not exist. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> w = Files.walk(dir)) {
            for (Path p : w.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
