package dev.gpupool.thumbnail;

import dev.gpupool.input.SourceFile;

import java.net.URI;
import java.nio.file.Path;

/**
 * One input of a batch, as found by {@link InputScanner}.
 *
 * @param given    how to name it in messages and the report (the path or URL; {@code -} for standard input)
 * @param file     the local file to read, or null for a URL, standard input or a file of another source
 * @param url      the http(s) URL, or null for a file or standard input
 * @param relative its path relative to the directory it was found in ('/'-separated), the base of its
 *                 output names; for a URL, its last path segment made safe; for standard input,
 *                 {@code stdin} with the extension of the format its bytes start like
 * @param error    a reason it cannot be an input at all (a missing file, an unsupported scheme), else null
 * @param bytes    the content, already read (standard input), else null
 * @param remote   a file on another source ({@code hdfs://}, through {@link dev.gpupool.input.InputSources}),
 *                 read when its turn comes, as a URL is fetched; else null
 */
public record Input(String given, Path file, URI url, String relative, String error, byte[] bytes, SourceFile remote) {
    /** An input that is not read ahead (a file or a URL). */
    public Input(String given, Path file, URI url, String relative, String error) {
        this(given, file, url, relative, error, null, null);
    }

    /** An input read ahead (standard input). */
    public Input(String given, Path file, URI url, String relative, String error, byte[] bytes) {
        this(given, file, url, relative, error, bytes, null);
    }

    static Input failed(String given, String error) {
        return new Input(given, null, null, null, error);
    }
}
