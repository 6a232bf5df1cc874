package dev.gpupool.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code gpupool spark} as the top-level help lists it. The job itself is the spark module
 * ({@code dev.gpupool.spark.ThumbnailJob}, with Spark's jars), which the {@code ./gpupool} launcher runs
 * before this jar is ever started; reaching this command means the jar was run directly, without them.
 */
@Command(name = "spark", description = "The thumbnails job on Apache Spark (default master local[*]); run it "
        + "through the ./gpupool launcher, which builds and starts the spark module: ./gpupool spark --help")
final class SparkCommand implements Callable<Integer> {
    @Unmatched
    List<String> args;

    @Override
    public Integer call() {
        System.err.println("gpupool: 'spark' runs through the ./gpupool launcher (it needs the spark module and Spark's jars): ./gpupool spark --help");
        return Main.CANNOT_RUN;
    }
}
