package dev.gpupool.spark;

import dev.gpupool.job.MemoryJob;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * gpupool as a Spark function for your own Datasets: image bytes in, every size's thumbnail out (in the
 * options' format; {@code same} keeps JPEG and WebP, the rest become PNG), on the pool of the executor
 * running the task (its assigned GPU, else CPU threads). The result is a struct ({@link #RESULT}):
 * <pre>
 * status      "ok" or "failed"
 * error       the one-line reason when failed (the CLI's for the same input), else null
 * format      the input's format (jpeg, png, ...), null when failed
 * inputWidth, inputHeight   the input's full size, upright (0 when failed)
 * outputs     one per size, in the options' order: {size, width, height, format, bytes} (empty when failed)
 * warnings    what lenient decoding tolerated
 * </pre>
 * An input that cannot be thumbnailed (not an image, corrupt, too large) gives status {@code failed} and the
 * reason, so one bad file does not fail the job; other errors (the executor's pool) do. A null input gives null.
 *
 * <pre>{@code
 * Dataset<Row> photos = spark.read().format("binaryFile").load("s3a://bucket/photos/*.jpg");
 * UserDefinedFunction thumb = Thumbnails.udf(JobOptions.defaults().withSizes("128", "512"));
 * photos.select(col("path"), thumb.apply(col("content")).as("t"))
 *       .select(col("path"), col("t.status"), col("t.error"), col("t.outputs").getItem(0).getField("bytes").as("small"));
 * // or, in SQL: Thumbnails.register(spark, "thumbnail", options); SELECT thumbnail(content).outputs[1].bytes FROM photos
 * }</pre>
 */
public final class Thumbnails implements UDF1<byte[], Row> {
    /** One size's thumbnail. */
    public static final StructType OUTPUT = new StructType()
            .add("size", DataTypes.StringType, false)
            .add("width", DataTypes.IntegerType, false)
            .add("height", DataTypes.IntegerType, false)
            .add("format", DataTypes.StringType, false)
            .add("bytes", DataTypes.BinaryType, false);

    /** What the function returns for one image. */
    public static final StructType RESULT = new StructType()
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true)
            .add("format", DataTypes.StringType, true)
            .add("inputWidth", DataTypes.IntegerType, false)
            .add("inputHeight", DataTypes.IntegerType, false)
            .add("outputs", DataTypes.createArrayType(OUTPUT, false), false)
            .add("warnings", DataTypes.createArrayType(DataTypes.StringType, false), false);

    private final JobOptions options;

    private Thumbnails(JobOptions options) {
        this.options = options;
    }

    /** The plain function (serialisable), for {@code map} and {@code mapPartitions} code. */
    public static Thumbnails function(JobOptions options) {
        return new Thumbnails(options);
    }

    /** The column function: {@code binary -> struct} ({@link #RESULT}). */
    public static UserDefinedFunction udf(JobOptions options) {
        return org.apache.spark.sql.functions.udf(new Thumbnails(options), RESULT);
    }

    /** Registers the function for SQL under {@code name}. */
    public static void register(SparkSession spark, String name, JobOptions options) {
        spark.udf().register(name, new Thumbnails(options), RESULT);
    }

    /** The {@link #RESULT} of one image (a row with that schema, so fields can be read by name); null for null. */
    @Override
    public Row call(byte[] image) {
        if (image == null) return null;
        MemoryJob.Result r;
        try {
            r = Render.render(image, options.spec(), null, ExecutorPools.forTask(options));
        } catch (IOException e) { // the image's fault: decode, memory budget, encode
            return new GenericRowWithSchema(new Object[]{"failed", InputLister.reason(e), null, 0, 0, seq(List.of()), seq(List.of())}, RESULT);
        }
        List<Row> outputs = new ArrayList<>(r.outputs().size());
        for (MemoryJob.Output o : r.outputs()) {
            outputs.add(new GenericRowWithSchema(new Object[]{o.box().toString(), o.width(), o.height(), o.format().extension(), o.bytes()}, OUTPUT));
        }
        return new GenericRowWithSchema(new Object[]{"ok", null, r.inputFormat(), r.inputWidth(), r.inputHeight(), seq(outputs),
                seq(r.warnings())}, RESULT);
    }

    private static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
        return scala.jdk.javaapi.CollectionConverters.asScala(list).toList();
    }
}
