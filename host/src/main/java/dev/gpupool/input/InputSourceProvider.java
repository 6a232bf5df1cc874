package dev.gpupool.input;

/**
 * Found through {@link java.util.ServiceLoader} ({@code META-INF/services/dev.gpupool.input.InputSourceProvider}):
 * a source for URI schemes the host cannot reach itself ({@code hdfs}, {@code s3a}, ...). The spark module
 * provides Hadoop's; the host module has no Hadoop dependency, so the CLI takes those URIs only when that
 * provider and Hadoop's client are on its class path. A provider must load without its file system's
 * library and answer null then.
 */
public interface InputSourceProvider {
    /** A source for {@code scheme} (lower case), or null when this provider cannot reach it now. */
    InputSource forScheme(String scheme);
}
