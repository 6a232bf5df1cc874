package dev.gpupool.spark;

import dev.gpupool.codec.DecodeOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * The job's command line: {@code gpupool thumbnails}'s options (same names, defaults and checks), plus
 * {@code --master} and {@code --partitions}. INPUT and DIR may be on any Hadoop file system.
 */
@Command(name = "gpupool spark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Resize a batch of images on Apache Spark.",
                "INPUT: a file, directory (walked recursively) or glob on any Hadoop file system (local, hdfs://, s3a://);"
                        + " an http(s) URL; @FILE, one INPUT a line.",
                "Outputs mirror their input's path under --out; up-to-date outputs are skipped (use --overwrite)."},
        footer = {"", "Exit status: 0 all ok or skipped, 1 some inputs failed, 2 usage error, 3 nothing could run."})
final class JobCommand {
    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "Files, directories, globs, URLs, @FILE lists.")
    List<String> inputs;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output directory (any Hadoop file system).")
    String out;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark.master, else local[*]).")
    String master;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the inputs (default: 4 per executor core).")
    Integer partitions;

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

    @Option(names = "--backend", paramLabel = "B", description = "auto, cuda, opencl, cpu or cpu-threads (default: auto:"
            + " the GPU Spark assigned to the executor, else CPU threads).")
    String backend = "auto";

    @Option(names = "--device", paramLabel = "N", description = "Device when Spark assigns none (default: 0).")
    int device;

    @Option(names = {"-j", "--workers"}, paramLabel = "N", description = "Threads of each executor's pool (default: its cores).")
    Integer workers;

    @Option(names = "--io-concurrency", paramLabel = "N", description = "Accepted for compatibility; each task keeps 2 items per pool thread in flight.")
    int ioConcurrency = 64;

    @Option(names = "--report", paramLabel = "DIR", description = "Write the report here as JSON lines (default: DIR/gpupool-report).")
    String report;

    @Option(names = "--overwrite", description = "Redo outputs that are already up to date.")
    boolean overwrite;

    @Option(names = "--max-pixels", paramLabel = "N", description = "Refuse larger images before decoding (default: 178956970).")
    long maxPixels = DecodeOptions.DEFAULT_MAX_PIXELS;

    @Option(names = "--lenient", description = "Keep what decodes of truncated or corrupt images (with a warning).")
    boolean lenient;

    @Option(names = "--verbose", description = "Stack traces for internal errors.")
    boolean verbose;

    /** The options, checked as the CLI checks them; throws {@link CommandLine.ParameterException}. */
    JobOptions options(CommandLine cl) {
        try {
            if (device < 0) throw new IllegalArgumentException("--device must be >= 0");
            if (workers != null && workers < 1) throw new IllegalArgumentException("--workers must be >= 1");
            if (ioConcurrency < 1) throw new IllegalArgumentException("--io-concurrency must be >= 1");
            if (partitions != null && partitions < 1) throw new IllegalArgumentException("--partitions must be >= 1");
            int bg;
            try {
                bg = Integer.parseUnsignedInt(background.replaceFirst("^#", ""), 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--background must be a hex colour like ffffff, not '" + background + "'");
            }
            if (quality < 1 || quality > 100) throw new IllegalArgumentException("--quality must be 1..100, not " + quality);
            if (maxPixels < 1) throw new IllegalArgumentException("--max-pixels must be positive");
            return new JobOptions(sizes, fit, filter, format, quality, upscale, !noRotate, bg, maxPixels, lenient, overwrite,
                    backend, workers == null ? 0 : workers, device);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }
}
