package dev.gpupool.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.col;

/**
 * {@code gpupool thumbnails} on Apache Spark. As a program (the main class of {@code gpupool-spark.jar},
 * what {@code ./gpupool spark} and {@code spark-submit --class dev.gpupool.spark.ThumbnailJob} run) it takes
 * the CLI's options, prints the CLI's summary line and exits as the CLI does (0, 1 some failed, 2 usage, 3
 * nothing ran). From code, {@link #run} returns the per-item report as a Dataset.
 */
public final class ThumbnailJob {
    /** Where the report goes unless {@code --report} says: under the output directory. */
    public static final String DEFAULT_REPORT = "gpupool-report";

    /**
     * What a job did.
     *
     * @param report  one row per input (columns: index, input, output, status, error, backend, width, height,
     *                millis, warnings, executor, format, inputWidth, inputHeight, outputs, schema, gpu, fallback: the
     *                CLI report's item, where {@code outputs} lists every output as {@code {path, size, width, height,
     *                bytes}}, plus the GPU address Spark assigned the task and why it ran on CPU threads instead),
     *                read back from the JSON lines written to {@code reportDir}
     * @param backend the backends items ran on, joined with {@code +} ({@code cuda}, {@code cpu-threads})
     */
    public record Result(Dataset<Row> report, String reportDir, long ok, long failed, long skipped, double seconds, String backend) {
        /** The CLI's summary line: {@code N ok, M failed, K skipped in T s (R img/s) on BACKEND}. */
        public String summary() {
            return String.format(Locale.ROOT, "%d ok, %d failed, %d skipped in %.2f s (%.1f img/s) on %s",
                    ok, failed, skipped, seconds, seconds > 0 ? ok / seconds : 0, backend);
        }
    }

    private ThumbnailJob() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** The command line, on the session its {@code --master} (or spark-submit) names; returns the exit status. */
    public static int run(String... args) {
        JobCommand cmd = new JobCommand();
        // @FILE is a list of inputs that InputLister reads, one a line; never a file of options for picocli.
        CommandLine cl = cmd.commandLine().setCaseInsensitiveEnumValuesAllowed(true).setExpandAtFiles(false);
        JobOptions options;
        try {
            CommandLine.ParseResult pr = cl.parseArgs(args);
            if (CommandLine.printHelpIfRequested(pr)) return 0;
            options = cmd.options(cl);
        } catch (CommandLine.ParameterException e) {
            System.err.println("gpupool spark: " + e.getMessage());
            System.err.println("Try 'gpupool spark --help' for more information."); // two lines, as gpupool thumbnails
            return 2;
        }
        SparkConf conf = new SparkConf();
        if (cmd.master != null) conf.setMaster(cmd.master);
        else if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        if (!conf.contains("spark.app.name")) conf.setAppName("gpupool thumbnails");
        SparkSession spark;
        try {
            spark = SparkSession.builder().config(conf).getOrCreate();
        } catch (RuntimeException e) {
            System.err.println("gpupool spark: cannot start Spark: " + e.getMessage());
            if (cmd.tail.verbose) e.printStackTrace();
            return 3;
        }
        try {
            Result r = run(spark, cmd.inputs, cmd.out, cmd.report, cmd.partitions == null ? 0 : cmd.partitions, options, System.in);
            r.report().filter(col("status").equalTo("failed")).orderBy("index").limit(100).collectAsList()
                    .forEach(row -> System.err.println("FAILED " + row.getAs("input") + ": " + row.getAs("error")));
            System.err.println(r.summary());
            System.err.println("report: " + r.reportDir());
            return r.failed() > 0 ? 1 : 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("gpupool spark: " + e.getMessage());
            if (cmd.tail.verbose) e.printStackTrace();
            return 3;
        } finally {
            spark.stop();
        }
    }

    /**
     * Thumbnails {@code inputs} into {@code out} on {@code spark}.
     *
     * @param inputs     paths, directories, globs (any Hadoop file system), http(s) URLs, {@code @FILE} lists
     * @param out        output directory on any Hadoop file system
     * @param reportDir  where the report's JSON lines go (null: {@code out/gpupool-report}); replaced
     * @param partitions how many partitions (0: four per core of the cluster, at most one per input)
     */
    public static Result run(SparkSession spark, List<String> inputs, String out, String reportDir, int partitions,
                             JobOptions options, InputStream stdin) throws IOException {
        long start = System.nanoTime();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        InputLister lister = new InputLister(hadoop, new Path(out), options.spec(), stdin);
        Path outDir = lister.outDir();
        outDir.getFileSystem(hadoop).mkdirs(outDir);
        List<WorkItem> items = lister.list(inputs);
        String report = reportDir != null ? reportDir : new Path(outDir, DEFAULT_REPORT).toString();

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int n = partitions > 0 ? partitions : Math.max(1, Math.min(items.size(), jsc.defaultParallelism() * 4));
        Map<String, String> conf = new HashMap<>();
        hadoop.forEach(e -> conf.put(e.getKey(), e.getValue()));
        JavaRDD<Row> rows = jsc.parallelize(items, n).mapPartitions(new PartitionRunner(options, conf));
        spark.sparkContext().setJobDescription("gpupool thumbnails: " + items.size() + " inputs into " + outDir);
        // The rows are computed once, by this write: the side effects (outputs) are not repeated by reading the report.
        spark.createDataFrame(rows, PartitionRunner.SCHEMA).write().mode(SaveMode.Overwrite).json(report);
        Dataset<Row> written = spark.read().schema(PartitionRunner.SCHEMA).json(report);

        long ok = 0, failed = 0, skipped = 0;
        TreeSet<String> backends = new TreeSet<>();
        for (Row r : written.groupBy("status", "backend").count().collectAsList()) {
            long c = r.getLong(2);
            switch (r.getString(0)) {
                case "ok" -> ok += c;
                case "failed" -> failed += c;
                default -> skipped += c;
            }
            if (r.getString(1) != null) backends.add(r.getString(1));
        }
        String backend = backends.isEmpty() ? options.backend() : String.join("+", backends);
        double seconds = Math.round((System.nanoTime() - start) / 1e6) / 1000.0;
        return new Result(written, report, ok, failed, skipped, seconds, backend);
    }
}
