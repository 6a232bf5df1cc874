package dev.gpupool.spark;

import dev.gpupool.input.InputSource;
import dev.gpupool.input.InputSourceProvider;

/**
 * Gives the CLI ({@code gpupool thumbnails hdfs://nn/photos -o thumbs}) Hadoop's file systems when
 * gpupool-spark.jar and Hadoop's client are on its class path (registered in
 * {@code META-INF/services/dev.gpupool.input.InputSourceProvider}). Loads without Hadoop, and then answers
 * null, so the CLI says in one line what to add. The Hadoop configuration is the default one: the
 * {@code core-site.xml}/{@code hdfs-site.xml} on the class path.
 */
public final class HadoopSourceProvider implements InputSourceProvider {
    private static final String FILE_SYSTEM = "org.apache.hadoop.fs.FileSystem";

    @Override
    public InputSource forScheme(String scheme) {
        if (scheme.equals("http") || scheme.equals("https") || !onClassPath()) return null;
        return Hadoop.forScheme(scheme);
    }

    private static boolean onClassPath() {
        try {
            Class.forName(FILE_SYSTEM, false, HadoopSourceProvider.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Every reference to Hadoop's classes, loaded only once they are known to be there. */
    private static final class Hadoop {
        static InputSource forScheme(String scheme) {
            org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
            try {
                org.apache.hadoop.fs.FileSystem.getFileSystemClass(scheme, conf);
            } catch (java.io.IOException e) {
                return null; // a scheme Hadoop does not know either
            }
            return new HadoopSource(conf);
        }
    }
}
