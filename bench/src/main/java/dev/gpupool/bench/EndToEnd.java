package dev.gpupool.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * End-to-end thumbnailing of a folder of photos by gpupool and by its peers, each run as the whole
 * command a user would type (JVM or interpreter start-up included), interleaved in one run with the
 * order rotated every round, after one warm-up round; prints a Markdown table of medians and the
 * ratios the issues set as targets.
 *
 * <p>Usage (from the repository root, after {@code bench/photos.sh}):
 * <pre>java -cp bench/target/benchmarks.jar dev.gpupool.bench.EndToEnd [--photos DIR] [--rounds N] [--size N] [--only a,b]</pre>
 * Peers that are not installed (vipsthumbnail, python3 with Pillow, ImageMagick's convert) are
 * left out with a note.
 */
public final class EndToEnd {
    record Contender(String name, List<String> command) {
    }

    public static void main(String[] args) throws Exception {
        Path photos = Path.of("bench/photos");
        int rounds = 5, size = 256;
        List<String> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--photos" -> photos = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--only" -> only = Arrays.asList(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(photos)) {
            files = s.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)")).sorted().toList();
        }
        if (files.isEmpty()) throw new IllegalArgumentException("no photos in " + photos + " (run bench/photos.sh)");
        Path out = Files.createTempDirectory("gpupool-e2e");
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        String s = Integer.toString(size);
        int cores = Runtime.getRuntime().availableProcessors();

        List<Contender> all = new ArrayList<>();
        all.add(new Contender("gpupool (auto)", List.of("./gpupool", "thumbnails", photos.toString(), "-o", "OUT", "-s", s, "--overwrite")));
        all.add(new Contender("gpupool cpu-threads", List.of("./gpupool", "thumbnails", photos.toString(), "-o", "OUT", "-s", s, "--overwrite", "--backend", "cpu-threads")));
        all.add(new Contender("Thumbnailator 0.4.20, " + cores + " threads", List.of(java, "-cp", cp, ThumbnailatorRunner.class.getName(), photos.toString(), "OUT", s, Integer.toString(cores))));
        if (onPath("vipsthumbnail")) {
            List<String> c = new ArrayList<>(List.of("vipsthumbnail", "-s", s, "-o", "OUT/%s.jpg[Q=85]"));
            files.forEach(f -> c.add(f.toString()));
            all.add(new Contender("vipsthumbnail (libvips)", c));
        }
        // The first Python that has Pillow: the one on the PATH, else the system's (Debian's python3-pil).
        for (String py : List.of("python3", "/usr/bin/python3")) {
            if ((py.startsWith("/") ? Files.isExecutable(Path.of(py)) : onPath(py)) && run(List.of(py, "-c", "import PIL"), null) == 0) {
                all.add(new Contender("Pillow, " + cores + " processes", List.of(py, "bench/peers/pillow_thumbs.py", photos.toString(), "OUT", s, Integer.toString(cores))));
                break;
            }
        }
        if (onPath("convert") && run(List.of("convert", "-version"), null) == 0) {
            List<String> c = new ArrayList<>(List.of("mogrify", "-path", "OUT", "-thumbnail", s + "x" + s, "-quality", "85", "-format", "jpg"));
            files.forEach(f -> c.add(f.toString()));
            all.add(new Contender("ImageMagick mogrify", c));
        }
        if (only != null) {
            List<String> keep = only;
            all.removeIf(c -> keep.stream().noneMatch(k -> c.name().toLowerCase(Locale.ROOT).contains(k.toLowerCase(Locale.ROOT))));
        }

        Map<String, List<Double>> times = new LinkedHashMap<>();
        all.forEach(c -> times.put(c.name(), new ArrayList<>()));
        for (int round = 0; round <= rounds; round++) {
            for (int k = 0; k < all.size(); k++) {
                Contender c = all.get((k + round) % all.size());
                Path dir = out.resolve(c.name().replaceAll("[^A-Za-z0-9]+", "_"));
                deleteTree(dir);
                Files.createDirectories(dir);
                List<String> cmd = c.command().stream().map(a -> a.replace("OUT", dir.toString())).toList();
                long t0 = System.nanoTime();
                int rc = run(cmd, new File("."));
                double sec = (System.nanoTime() - t0) / 1e9;
                long written;
                try (Stream<Path> w = Files.walk(dir)) {
                    written = w.filter(Files::isRegularFile).count();
                }
                if (rc != 0 || written != files.size()) {
                    System.err.println("warning: " + c.name() + " exited " + rc + " and wrote " + written + " of " + files.size());
                }
                if (round > 0) times.get(c.name()).add(sec); // round 0 warms caches and JITs nothing we keep
            }
        }
        double ref = median(times.get(all.getFirst().name()));
        System.out.printf(Locale.ROOT, "%d photos, %d px, %d rounds (medians; one warm-up round dropped), %d cores, %s%n%n",
                files.size(), size, rounds, cores, cpuModel());
        System.out.println("| command | median s | min s | max s | img/s | time vs gpupool (auto) |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Contender c : all) {
            List<Double> t = times.get(c.name());
            double m = median(t);
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.1f | %.2fx |%n", c.name(), m,
                    t.stream().min(Comparator.naturalOrder()).orElse(0.0), t.stream().max(Comparator.naturalOrder()).orElse(0.0),
                    files.size() / m, m / ref);
        }
        deleteTree(out);
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) return true;
        }
        return false;
    }

    static int run(List<String> cmd, File dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (dir != null) pb.directory(dir);
        return pb.start().waitFor();
    }

    static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> w = Files.walk(dir)) {
            for (Path p : w.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
