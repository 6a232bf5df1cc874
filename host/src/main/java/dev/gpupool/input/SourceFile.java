package dev.gpupool.input;

import java.io.IOException;
import java.io.InputStream;

/**
 * A file found on a source other than the local file system (a Hadoop file system), as a batch reads it: whole,
 * bounded, when its turn comes (its bytes never wait in memory for a processing slot).
 */
public record SourceFile(InputSource source, InputSource.Entry entry) {
    /** Its bytes, at most {@code max}. */
    public byte[] readAll(long max) throws IOException {
        try (InputStream in = source.open(entry)) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (b.length > max) throw new IOException("file too large (over " + max + " bytes)");
            return b;
        }
    }

    /** Its last modification, ms since the epoch; 0 unknown. */
    public long modified() {
        return entry.modified();
    }

    /** Where it is, complete ({@code hdfs://nn/photos/a.jpg}). */
    public String location() {
        return source.location(entry);
    }
}
