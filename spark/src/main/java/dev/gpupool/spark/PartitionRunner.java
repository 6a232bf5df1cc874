package dev.gpupool.spark;

import dev.gpupool.Pool;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.thumbnail.BatchReport;
import dev.gpupool.thumbnail.HttpFetcher;
import dev.gpupool.job.MemoryJob;
import dev.gpupool.job.ThumbnailJob;
import dev.gpupool.job.ThumbnailSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;

/**
 * The executors' half: a partition's items through the executor's {@link Pool} (a bounded number in
 * flight), one report row per item, in the partition's order. An item whose outputs are all up to date is
 * skipped; otherwise every output is written whole by {@link Outputs}, so a re-run or speculative attempt
 * finds or replaces complete files only.
 */
final class PartitionRunner implements FlatMapFunction<Iterator<WorkItem>, Row> {
    /** One output of an item: {@code BatchReport.Output}'s fields. */
    static final StructType OUTPUT = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("size", DataTypes.StringType, false)
            .add("width", DataTypes.IntegerType, false)
            .add("height", DataTypes.IntegerType, false)
            .add("bytes", DataTypes.LongType, false);

    /**
     * The report's columns: the CLI's report item (schema {@link BatchReport#SCHEMA}: every output, the
     * input's format and size), plus where it ran and the schema number: {@code executor}, {@code gpu} (the GPU
     * address Spark assigned to the task, null when none) and {@code fallback} (why the item ran on CPU threads
     * instead of that GPU, null when it did not fall back).
     */
    static final StructType SCHEMA = new StructType()
            .add("index", DataTypes.LongType, false)
            .add("input", DataTypes.StringType, false)
            .add("output", DataTypes.StringType, true)
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true)
            .add("backend", DataTypes.StringType, true)
            .add("width", DataTypes.IntegerType, false)
            .add("height", DataTypes.IntegerType, false)
            .add("millis", DataTypes.DoubleType, false)
            .add("warnings", DataTypes.createArrayType(DataTypes.StringType), false)
            .add("executor", DataTypes.StringType, true)
            .add("format", DataTypes.StringType, true)
            .add("inputWidth", DataTypes.IntegerType, false)
            .add("inputHeight", DataTypes.IntegerType, false)
            .add("outputs", DataTypes.createArrayType(OUTPUT, false), false)
            .add("schema", DataTypes.IntegerType, false)
            .add("gpu", DataTypes.StringType, true)
            .add("fallback", DataTypes.StringType, true);

    private static final HttpFetcher HTTP = HttpFetcher.defaults();

    private final JobOptions options;
    private final Map<String, String> hadoopConf;

    PartitionRunner(JobOptions options, Map<String, String> hadoopConf) {
        this.options = options;
        this.hadoopConf = hadoopConf;
    }

    @Override
    public Iterator<Row> call(Iterator<WorkItem> items) {
        Configuration conf = new Configuration(false);
        hadoopConf.forEach(conf::set);
        ExecutorPools.TaskPool tp = ExecutorPools.taskPool(options);
        Pool pool = tp.pool();
        Ran ran = new Ran(SparkEnv.get() == null ? null : SparkEnv.get().executorId(), tp.gpu(), tp.fallback());
        ThumbnailSpec spec = options.spec();
        Semaphore inFlight = new Semaphore(Math.max(2, pool.workers() * 2));
        List<CompletableFuture<Row>> rows = new ArrayList<>();
        List<WorkItem> taken = new ArrayList<>();
        while (items.hasNext()) {
            WorkItem item = items.next();
            inFlight.acquireUninterruptibly();
            CompletableFuture<Row> f = pool.submit(() -> one(item, spec, pool, conf, ran));
            f.whenComplete((r, e) -> inFlight.release());
            rows.add(f);
            taken.add(item);
        }
        List<Row> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            try {
                out.add(rows.get(i).join());
            } catch (CompletionException e) {
                // the pool refused or lost the task (closing, timed out): the item failed, the others stand
                WorkItem item = taken.get(i);
                Throwable why = e.getCause() == null ? e : e.getCause();
                out.add(row(item, item.outputs().isEmpty() ? null : item.outputs().getFirst(), "failed",
                        why.getMessage() == null ? why.getClass().getSimpleName() : why.getMessage(), null, 0, 0, 0, List.of(), ran));
            }
        }
        return out.iterator();
    }

    private Row one(WorkItem item, ThumbnailSpec spec, Pool pool, Configuration conf, Ran ran) {
        long t0 = System.nanoTime();
        if (item.error() != null) return row(item, null, "failed", item.error(), null, 0, 0, 0, List.of(), ran);
        String first = item.outputs().getFirst();
        try {
            if (!options.overwrite()) {
                long source = item.isUrl() ? -1 : Outputs.sourceTime(item, conf);
                if (Outputs.upToDate(item.outputs(), source, conf)) {
                    return row(item, first, "skipped", null, null, 0, 0, 0, List.of(), ran);
                }
            }
            byte[] bytes = item.isUrl() ? fetch(item.source()) : Outputs.read(item.source(), conf);
            List<OutputFormat> formats = new ArrayList<>();
            for (String o : item.outputs()) formats.add(ThumbnailJob.formatOf(java.nio.file.Path.of(URI.create(o).getPath())));
            MemoryJob.Result r = Render.render(bytes, spec, formats, pool);
            List<Row> outputs = new ArrayList<>(r.outputs().size());
            for (int i = 0; i < r.outputs().size(); i++) {
                MemoryJob.Output o = r.outputs().get(i);
                Outputs.write(item.outputs().get(i), o.bytes(), conf);
                outputs.add(RowFactory.create(item.outputs().get(i), o.box().toString(), o.width(), o.height(), (long) o.bytes().length));
            }
            MemoryJob.Output f = r.outputs().getFirst();
            return row(item, first, "ok", null, pool.backend().cliName(), f.width(), f.height(), millis(t0), r.warnings(), ran,
                    r.inputFormat(), r.inputWidth(), r.inputHeight(), outputs);
        } catch (IOException | RuntimeException e) {
            return row(item, first, "failed", InputLister.reason(e), null, 0, 0, millis(t0), List.of(), ran);
        }
    }

    /** Where a task's items ran: the executor's id, the GPU address Spark assigned, why not on it. */
    private record Ran(String executor, String gpu, String fallback) {
    }

    private static double millis(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e4) / 100.0;
    }

    private static Row row(WorkItem item, String output, String status, String error, String backend, int w, int h,
                           double millis, List<String> warnings, Ran ran) {
        return row(item, output, status, error, backend, w, h, millis, warnings, ran, null, 0, 0, List.of());
    }

    private static Row row(WorkItem item, String output, String status, String error, String backend, int w, int h,
                           double millis, List<String> warnings, Ran ran, String format, int inputWidth,
                           int inputHeight, List<Row> outputs) {
        return RowFactory.create(item.index(), item.given(), output, status, error, backend, w, h, millis,
                scala.jdk.javaapi.CollectionConverters.asScala(warnings).toSeq(), ran.executor(), format, inputWidth, inputHeight,
                scala.jdk.javaapi.CollectionConverters.asScala(outputs).toSeq(), BatchReport.SCHEMA, ran.gpu(), ran.fallback());
    }

    /** The CLI's fetcher and its rules: timeouts, retries with backoff, {@code Retry-After}, the byte limit, redirects. */
    private static byte[] fetch(String url) throws IOException {
        try {
            return HTTP.fetch(URI.create(url));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching");
        }
    }
}
