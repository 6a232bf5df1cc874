package dev.gpupool.spark;

import dev.gpupool.cli.CommandTailOptions;
import dev.gpupool.cli.ThumbnailOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.PropertyResourceBundle;
import java.util.ResourceBundle;

/**
 * The job's command line: {@code gpupool thumbnails}'s options (same names, defaults and checks), plus
 * {@code --master} and {@code --partitions}. INPUT and DIR may be on any Hadoop file system. The shared
 * options come from {@link ThumbnailOptions}; {@code JobCommand.properties} rewords those that mean
 * something particular on Spark (backend, device, workers, io-concurrency).
 *
 * <p>That bundle is handed to picocli as an object ({@link #commandLine()}), never named in
 * {@code @Command(resourceBundle = ...)}: picocli would then look it up with
 * {@code ResourceBundle.getBundle(name)}, which searches picocli's own class loader. Under
 * {@code spark-submit} picocli may come from the cluster's class path (Spark's parent loader) while this
 * class and its bundle come from the application jar (a child loader), and the lookup fails with
 * {@code MissingResourceException} before any option is read.
 */
@Command(name = "gpupool spark", sortOptions = false,
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

    /** The bundle of rewordings, read through this class's own loader (wherever picocli was loaded from). */
    static ResourceBundle messages() {
        try (InputStream in = JobCommand.class.getResourceAsStream("JobCommand.properties")) {
            if (in == null) throw new IllegalStateException("JobCommand.properties is missing from " + JobCommand.class.getProtectionDomain().getCodeSource());
            return new PropertyResourceBundle(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The parser for this command, with its messages set explicitly. */
    CommandLine commandLine() {
        CommandLine cl = new CommandLine(this);
        cl.setResourceBundle(messages());
        return cl;
    }

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
