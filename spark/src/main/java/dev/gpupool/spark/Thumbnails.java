package dev.gpupool.spark;

import dev.gpupool.codec.ImageDecodeException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * gpupool as a Spark function for your own Datasets: image bytes in, thumbnail bytes out (the first size of
 * the options, in their format; {@code same} keeps JPEG and WebP, the rest become PNG), on the pool of the
 * executor running the task (its assigned GPU, else CPU threads). An input that is not a decodable image
 * gives null, so one bad file does not fail the job; other errors do.
 *
 * <pre>{@code
 * Dataset<Row> photos = spark.read().format("binaryFile").load("s3a://bucket/photos/*.jpg");
 * UserDefinedFunction thumb = Thumbnails.udf(JobOptions.defaults().withSizes("128"));
 * photos.select(col("path"), thumb.apply(col("content")).as("thumbnail"));
 * // or, in SQL: Thumbnails.register(spark, "thumbnail", options); SELECT thumbnail(content) FROM photos
 * }</pre>
 */
public final class Thumbnails implements UDF1<byte[], byte[]> {
    private final JobOptions options;

    private Thumbnails(JobOptions options) {
        this.options = options;
    }

    /** The plain function (serialisable), for {@code map} and {@code mapPartitions} code. */
    public static Thumbnails function(JobOptions options) {
        return new Thumbnails(options);
    }

    /** The column function: {@code binary -> binary}. */
    public static UserDefinedFunction udf(JobOptions options) {
        return org.apache.spark.sql.functions.udf(new Thumbnails(options), DataTypes.BinaryType);
    }

    /** Registers the function for SQL under {@code name}. */
    public static void register(SparkSession spark, String name, JobOptions options) {
        spark.udf().register(name, new Thumbnails(options), DataTypes.BinaryType);
    }

    @Override
    public byte[] call(byte[] image) {
        if (image == null) return null;
        try {
            return Render.render(image, options.spec(), null, ExecutorPools.forTask(options)).outputs().getFirst();
        } catch (ImageDecodeException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
