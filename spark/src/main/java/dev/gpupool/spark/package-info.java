/**
 * gpupool on Apache Spark: the {@code gpupool thumbnails} batch as a Spark job
 * ({@link dev.gpupool.spark.ThumbnailJob}, what {@code ./gpupool spark} and {@code spark-submit} run) for inputs
 * too many for one machine. The driver expands the inputs (paths, globs, directories, URLs, {@code @FILE}
 * lists, on any Hadoop file system) with the CLI's own input layer ({@link dev.gpupool.input.InputExpander} over
 * {@link dev.gpupool.spark.HadoopSource}, which {@link dev.gpupool.spark.HadoopSourceProvider} also lends the CLI
 * for {@code hdfs://} inputs) and names every output up front, exactly as the CLI would; executors
 * run their partitions through one {@link dev.gpupool.Pool} per executor JVM and GPU Spark assigned
 * ({@link dev.gpupool.spark.ExecutorPools}; a CPU pool when none), writing each output whole or not at
 * all and skipping those already up to date, so task retries and speculative copies are harmless
 * ({@link dev.gpupool.spark.Outputs}). The per-item report comes back as a Dataset, written as JSON lines.
 * {@link dev.gpupool.spark.Thumbnails} is the same work as a Spark function (image bytes in, every size's
 * thumbnail bytes out, or the reason the image failed) for users' own Dataset pipelines.
 */
package dev.gpupool.spark;
