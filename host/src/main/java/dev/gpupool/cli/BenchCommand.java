package dev.gpupool.cli;

import dev.gpupool.Backend;
import dev.gpupool.benchmark.BenchInputs;
import dev.gpupool.benchmark.BenchResult;
import dev.gpupool.benchmark.BenchRun;
import dev.gpupool.benchmark.Contender;
import dev.gpupool.benchmark.ContenderResult;
import dev.gpupool.benchmark.Machine;
import dev.gpupool.benchmark.MarkdownReport;
import dev.gpupool.benchmark.PoolContender;
import dev.gpupool.benchmark.SampleImages;
import dev.gpupool.benchmark.SvgChart;
import dev.gpupool.benchmark.ThumbnailatorContender;
import dev.gpupool.backend.Backends;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.device.ProbeReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code gpupool bench}: the same batch through every usable backend and through Thumbnailator, in one
 * run, interleaved, after warm-up; prints a Markdown table and writes {@code DIR/bench.md} and
 * {@code DIR/bench.svg}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "CPU vs GPU vs the Java peer (Thumbnailator " + ThumbnailatorContender.VERSION + "), on the given or a generated set; "
                + "prints a Markdown table and writes DIR/bench.md and a chart DIR/bench.svg.",
        footer = {"", "Without INPUT, a set of photo-like JPEGs of mixed sizes (0.3 to 24 MP) is generated first.",
                "Every contender gets the same images and box; rounds interleave them in a rotated order."})
final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "INPUT", arity = "0..*", description = "JPEG/PNG files or directories (walked recursively).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Where bench.md and bench.svg go (default: bench-results).")
    Path out = Path.of("bench-results");

    @Option(names = "--rounds", paramLabel = "N", description = "Measured rounds (default: 3).")
    int rounds = 3;

    @Option(names = "--warmup", paramLabel = "N", description = "Warm-up rounds, not measured (default: 1).")
    int warmup = 1;

    @Option(names = {"-s", "--size"}, paramLabel = "N", description = "Bounding box, N x N pixels (default: 256).")
    int size = 256;

    @Option(names = "--backend", paramLabel = "B", split = ",",
            description = "Only these gpupool backends (cuda, opencl, cpu, cpu-threads; default: every usable one).")
    List<String> backends;

    @Option(names = {"-j", "--workers"}, paramLabel = "N", description = "Workers per backend and Thumbnailator threads (default: cores).")
    Integer workers;

    @Option(names = "--sharpen", arity = "0..1", paramLabel = "SIGMA[,AMOUNT[,THRESHOLD]]",
            preprocessor = ThumbnailOptions.AttachedValueOnly.class,
            description = "Also measure each backend with --sharpen (a row 'BACKEND +sharpen' on the same pool beside the plain one), "
                    + "e.g. gpupool bench --sharpen or --sharpen=0.8,1.5,3 (default: off).")
    String sharpen;

    @Option(names = "--crop", paramLabel = "MODE", split = ",",
            description = "Also measure each backend with --fit cover --crop MODE (a row 'BACKEND +crop MODE' on the same pool; "
                    + "centre, entropy or attention; the cover fit decodes larger than the plain contain rows, so add centre "
                    + "to see what the search alone costs), e.g. gpupool bench --crop centre,attention (default: off).")
    List<String> crops = List.of();

    @Option(names = {"-f", "--format"}, paramLabel = "FMT", split = ",",
            description = "Also measure each backend writing FMT instead of JPEG, same quality (a row 'BACKEND +avif' on the same pool; "
                    + "png, webp or avif), e.g. gpupool bench --format avif (default: JPEG only).")
    List<String> formats = List.of();

    @Option(names = "--no-peer", description = "Leave Thumbnailator out.")
    boolean noPeer;

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--rounds must be >= 1");
        if (warmup < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--warmup must be >= 0");
        if (size < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--size must be >= 1");
        if (workers != null && workers < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--workers must be >= 1");
        dev.gpupool.image.Sharpen sharpening;
        try {
            sharpening = sharpen == null ? null : dev.gpupool.image.Sharpen.parse(sharpen);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage().startsWith("--sharpen") ? e.getMessage() : "--sharpen: " + e.getMessage());
        }
        List<dev.gpupool.image.Crop> cropModes = new ArrayList<>();
        List<OutputFormat> otherFormats = new ArrayList<>();
        try {
            for (String c : crops) cropModes.add(dev.gpupool.image.Crop.parse(c));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--crop: " + e.getMessage());
        }
        for (String f : formats) {
            OutputFormat of;
            try {
                of = OutputFormat.parse(f);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--format: unknown format '" + f + "' (expected png, webp or avif)");
            }
            if (of == OutputFormat.JPEG) throw new CommandLine.ParameterException(spec.commandLine(), "--format " + f + ": every plain row is JPEG already");
            otherFormats.add(of);
        }
        List<Backend> wanted = new ArrayList<>();
        try {
            if (backends != null) for (String b : backends) wanted.add(Backend.parse(b));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (wanted.contains(Backend.AUTO)) throw new CommandLine.ParameterException(spec.commandLine(), "--backend takes concrete backends, not auto");
        PrintStream err = System.err;
        int n = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        List<String> notes = new ArrayList<>();
        List<ProbeReport> probes = Backends.probeAll(n);
        Machine machine = Machine.current(probes);
        Path work = Files.createTempDirectory("gpupool-bench");
        try {
            String from;
            List<Path> given = inputs;
            if (given.isEmpty()) {
                err.println("generating " + "photo-like sample images into " + work.resolve("inputs") + " ...");
                given = SampleImages.writeDefaultSet(work.resolve("inputs"));
                from = "generated photo-like JPEGs, 0.3 to 24 MP";
            } else {
                from = "from " + String.join(", ", given.stream().map(Path::toString).toList());
            }
            Map<Path, Double> images;
            try {
                images = BenchInputs.collect(given, notes);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            if (images.isEmpty()) throw new CommandLine.ParameterException(spec.commandLine(), "no JPEG or PNG images in " + given);
            double mp = images.values().stream().mapToDouble(Double::doubleValue).sum();

            List<Contender> contenders = new ArrayList<>();
            try {
                for (ProbeReport r : tableOrder(probes)) {
                    if (!wanted.isEmpty() && !wanted.contains(r.backend())) continue;
                    if (!r.usable()) {
                        notes.add(r.backend().cliName() + " left out: " + r.reason());
                        continue;
                    }
                    try {
                        PoolContender plain = new PoolContender(r.backend(), n, size);
                        contenders.add(plain);
                        if (sharpening != null) contenders.add(new PoolContender(plain, size, sharpening));
                        for (dev.gpupool.image.Crop c : cropModes) contenders.add(PoolContender.cropped(plain, size, c));
                        for (OutputFormat f : otherFormats) contenders.add(PoolContender.formatted(plain, size, f));
                    } catch (RuntimeException e) {
                        notes.add(r.backend().cliName() + " left out: cannot open a pool: " + e.getMessage());
                    }
                }
                if (!noPeer) contenders.add(new ThumbnailatorContender(n, size));
                if (contenders.isEmpty()) throw new dev.gpupool.BackendUnavailableException("no backend to benchmark: " + String.join("; ", notes));
                err.printf(Locale.ROOT, "%d images, %.1f MP; %d warm-up + %d measured rounds of %s%n", images.size(), mp, warmup, rounds,
                        String.join(", ", contenders.stream().map(Contender::name).toList()));
                List<ContenderResult> results = BenchRun.measure(contenders, images, warmup, rounds, work.resolve("out"), err, notes);
                String command = "gpupool " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
                BenchResult result = new BenchResult(command.strip(), machine, images.size(), mp, from, size, warmup, rounds, results, notes);
                PrintStream o = System.out;
                o.println();
                o.println(machine.summary());
                o.println();
                o.print(MarkdownReport.table(result));
                for (String note : notes) o.println("note: " + note);
                Files.createDirectories(out);
                Files.writeString(out.resolve("bench.md"), MarkdownReport.document(result), StandardCharsets.UTF_8);
                Files.writeString(out.resolve("bench.svg"), SvgChart.render(result), StandardCharsets.UTF_8);
                err.println("wrote " + out.resolve("bench.md") + " and " + out.resolve("bench.svg"));
                return results.stream().anyMatch(c -> c.failed() > 0) ? Main.SOME_FAILED : Main.OK;
            } finally {
                for (Contender c : contenders) c.close();
            }
        } finally {
            BenchRun.deleteTree(work);
        }
    }

    /** The CPU backends first, then the devices: cpu, cpu-threads, opencl, cuda. */
    static List<ProbeReport> tableOrder(List<ProbeReport> probes) {
        List<Backend> order = List.of(Backend.CPU, Backend.CPU_THREADS, Backend.OPENCL, Backend.CUDA);
        return probes.stream().sorted(Comparator.comparingInt(r -> order.indexOf(r.backend()))).toList();
    }
}
