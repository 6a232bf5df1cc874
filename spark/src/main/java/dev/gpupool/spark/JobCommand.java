package dev.gpupool.spark;

import dev.gpupool.cli.CommandTailOptions;
import dev.gpupool.cli.ThumbnailOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * The job's command line: {@code gpupool thumbnails}'s options (same names, defaults and checks), plus
 * {@code --master} and {@code --partitions}. INPUT and DIR may be on any Hadoop file system. The shared
 * options come from {@link ThumbnailOptions}; {@code JobCommand.properties} rewords those that mean
 * something particular on Spark (backend, device, workers, io-concurrency).
 */
@Command(name = "gpupool spark", resourceBundle = "dev.gpupool.spark.JobCommand", sortOptions = false,
        description = {"Resize a batch of images on Apache Spark.",
                "INPUT: a file, directory (walked recursively) or glob on any Hadoop file system (local, hdfs://, s3a://);"
                        + " an http(s) URL; @FILE, one INPUT a line.",
                "Outputs mirror their input's path under --out; up-to-date outputs are skipped (use --overwrite)."},
        footer = {"", "Exit status: 0 all ok or skipped, 1 some inputs failed, 2 usage error, 3 nothing could run."})
final class JobCommand {
    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "Files, directories, globs, URLs, @FILE lists.")
    List<String> inputs;

    @Option(names = {"-o", "--out"}, order = 1, required = true, paramLabel = "DIR", description = "Output directory (any Hadoop file system).")
    String out;

    @Option(names = "--master", order = 2, paramLabel = "URL", description = "Spark master (default: spark.master, else local[*]).")
    String master;

    @Option(names = "--partitions", order = 3, paramLabel = "N", description = "Partitions of the inputs (default: 4 per executor core).")
    Integer partitions;

    @Mixin
    ThumbnailOptions thumbnail;

    @Option(names = "--report", order = 22, paramLabel = "DIR", description = "Write the report here as JSON lines (default: DIR/gpupool-report).")
    String report;

    @Mixin
    CommandTailOptions tail;

    /** The options, checked as the CLI checks them; throws {@link CommandLine.ParameterException}. */
    JobOptions options(CommandLine cl) {
        try {
            thumbnail.validate();
            if (partitions != null && partitions < 1) throw new IllegalArgumentException("--partitions must be >= 1");
            return JobOptions.of(thumbnail);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }
}
