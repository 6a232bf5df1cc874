package dev.gpupool.thumbnail;

import java.net.URI;
import java.nio.file.Path;

/**
 * One input of a batch, as found by {@link InputScanner}.
 *
 * @param given    how to name it in messages and the report (the path or URL)
 * @param file     the file to read, or null for a URL
 * @param url      the http(s) URL, or null for a file
 * @param relative its path relative to the directory it was found in ('/'-separated), the base of its
 *                 output names; for a URL, its last path segment made safe
 * @param error    a reason it cannot be an input at all (a missing file, an unsupported scheme), else null
 */
public record Input(String given, Path file, URI url, String relative, String error) {
    static Input failed(String given, String error) {
        return new Input(given, null, null, null, error);
    }
}
