package dev.gpupool.input;

import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sources of URI schemes the host does not reach itself ({@code hdfs}, {@code s3a}, ...), found at run
 * time through {@link InputSourceProvider}s on the class path, as the device backends are (the host has no
 * Hadoop dependency: the spark module provides Hadoop's).
 */
public final class InputSources {
    /** What to put on the class path for Hadoop URIs, in one line. */
    public static final String HADOOP_HINT = "Hadoop file systems (hdfs://, s3a://, ...) need Hadoop's client and gpupool-spark.jar"
            + " on the class path: java -cp host/target/gpupool.jar:spark/target/gpupool-spark.jar:$(cat spark/target/spark-classpath.txt)"
            + " dev.gpupool.cli.Main thumbnails ...";

    private static final Map<String, InputSource> FOUND = new ConcurrentHashMap<>();

    private InputSources() {
    }

    /** The first provider's source for {@code scheme} (lower case), or null when none on the class path reaches it. */
    public static InputSource forScheme(String scheme) {
        InputSource known = FOUND.get(scheme);
        if (known != null) return known;
        try {
            for (InputSourceProvider p : ServiceLoader.load(InputSourceProvider.class, InputSources.class.getClassLoader())) {
                InputSource s;
                try {
                    s = p.forScheme(scheme);
                } catch (LinkageError | RuntimeException e) {
                    continue; // its library is missing or broken: as if it were not there
                }
                if (s != null) {
                    FOUND.put(scheme, s);
                    return s;
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            return null; // a provider that cannot even load
        }
        return null;
    }
}
