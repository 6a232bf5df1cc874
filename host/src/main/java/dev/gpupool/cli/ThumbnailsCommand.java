package dev.gpupool.cli;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.codec.DecodeOptions;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.job.BoxSize;
import dev.gpupool.thumbnail.BatchReport;
import dev.gpupool.thumbnail.Thumbnailer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gpupool thumbnails}: resize a batch of images (see the contract for every option). */
@Command(name = "thumbnails", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Resize a batch of images.",
                "INPUT: a file; a directory (walked recursively); an http:// or https:// URL; @FILE, one INPUT a line (@- reads standard input).",
                "Outputs mirror their input's path under --out; up-to-date outputs are skipped (use --overwrite)."},
        footer = {"", "Output formats: jpg (libjpeg-turbo, else ImageIO), png, webp (libwebp when installed).",
                "Exit status: 0 all ok or skipped, 1 some inputs failed, 2 usage error, 3 nothing could run."})
final class ThumbnailsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "Files, directories, URLs, @FILE lists.")
    List<String> inputs;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output directory (required).")
    Path out;

    @Option(names = {"-s", "--size"}, paramLabel = "N|WxH[,...]", split = ",", description = "Bounding box(es) (default: 256).")
    List<String> sizes = List.of("256");

    @Option(names = "--fit", paramLabel = "MODE", description = "contain, cover or fill (default: contain).")
    String fit = "contain";

    @Option(names = "--filter", paramLabel = "F", description = "lanczos3, mitchell, triangle or box (default: lanczos3).")
    String filter = "lanczos3";

    @Option(names = {"-f", "--format"}, paramLabel = "FMT", description = "jpg, png, webp or same (default: jpg).")
    String format = "jpg";

    @Option(names = {"-q", "--quality"}, paramLabel = "1..100", description = "JPEG/WebP quality (default: 85).")
    int quality = 85;

    @Option(names = "--upscale", description = "Allow enlarging images smaller than the box.")
    boolean upscale;

    @Option(names = "--no-rotate", description = "Keep pixels as stored (ignore EXIF orientation).")
    boolean noRotate;

    @Option(names = "--background", paramLabel = "RRGGBB", description = "Colour alpha is flattened onto in JPEG (default: ffffff).")
    String background = "ffffff";

    @Option(names = "--backend", paramLabel = "B", description = "auto, cuda, opencl, cpu or cpu-threads (default: auto).")
    String backend = "auto";

    @Option(names = "--device", paramLabel = "N", description = "Which device of the backend (default: 0).")
    int device;

    @Option(names = {"-j", "--workers"}, paramLabel = "N", description = "Worker processes or threads (default: cores).")
    Integer workers;

    @Option(names = "--io-concurrency", paramLabel = "N", description = "Simultaneous fetches and reads (default: 64).")
    int ioConcurrency = 64;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the JSON report here.")
    Path report;

    @Option(names = "--trace", paramLabel = "FILE", description = "Write a Chrome trace-event JSON timeline of every stage of every image (open it in Perfetto).")
    Path trace;

    @Option(names = "--overwrite", description = "Redo outputs that are already up to date.")
    boolean overwrite;

    @Option(names = "--max-pixels", paramLabel = "N", description = "Refuse larger images before decoding (default: 178956970).")
    long maxPixels = DecodeOptions.DEFAULT_MAX_PIXELS;

    @Option(names = "--lenient", description = "Keep what decodes of truncated or corrupt images (with a warning).")
    boolean lenient;

    @Option(names = "--verbose", description = "Stack traces for internal errors.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        Thumbnailer t;
        Backend b;
        List<BoxSize> boxes = new ArrayList<>();
        try {
            for (String s : sizes) boxes.add(BoxSize.parse(s));
            b = Backend.parse(backend);
            if (quality < 1 || quality > 100) throw new IllegalArgumentException("--quality must be 1..100, not " + quality);
            if (maxPixels < 1) throw new IllegalArgumentException("--max-pixels must be positive");
            if (ioConcurrency < 1) throw new IllegalArgumentException("--io-concurrency must be >= 1");
            if (workers != null && workers < 1) throw new IllegalArgumentException("--workers must be >= 1");
            if (device < 0) throw new IllegalArgumentException("--device must be >= 0");
            int bg = Integer.parseUnsignedInt(background.replaceFirst("^#", ""), 16);
            OutputFormat fmt = format.equalsIgnoreCase("same") ? null : OutputFormat.parse(format);
            Fit fitMode = Fit.parse(fit);
            Filter filt = Filter.parse(filter);
            Pool.Builder pb = Pool.builder().backend(b).device(device);
            if (workers != null) pb.workers(workers);
            Pool pool = pb.open();
            t = Thumbnailer.on(pool).sizes(boxes).fit(fitMode).filter(filt).format(fmt).quality(quality)
                    .upscale(upscale).autoRotate(!noRotate).background(bg).maxPixels(maxPixels).lenient(lenient)
                    .overwrite(overwrite).ioConcurrency(ioConcurrency).trace(trace);
            try (pool; Progress progress = Progress.forTerminal(err)) {
                t.onItem(item -> {
                    if (item.status() == BatchReport.Status.FAILED) progress.println("FAILED " + item.input() + ": " + item.error());
                    else for (String w : item.warnings()) progress.println("WARNING " + item.input() + ": " + w);
                    progress.step();
                });
                BatchReport r = t.runInputs(inputs, out);
                progress.close();
                if (report != null) writeReport(r, err);
                err.println(r.summary());
                return r.failed() > 0 ? Main.SOME_FAILED : Main.OK;
            }
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--background must be a hex colour like ffffff, not '" + background + "'");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void writeReport(BatchReport r, PrintStream err) {
        try {
            r.writeJson(report);
        } catch (IOException e) {
            err.println("gpupool: cannot write the report to " + report + ": " + e.getMessage());
        }
    }
}
