package dev.gpupool.input;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A file system that inputs are found on: the few primitives {@link InputExpander} needs, so that the
 * rules built on them (walk order, which files are images, hidden and temporary files, the output directory
 * never walked) are written once for every file system. Implementations: {@link LocalSource}, and a Hadoop
 * {@code FileSystem} in the spark module ({@link InputSourceProvider}).
 */
public interface InputSource {
    /** What is at a location, links followed. */
    enum Kind {
        FILE, DIRECTORY, /** a named pipe: read as a list, passed over in a walk unless named like an image */ PIPE,
        /** a device, a socket, a link that leads nowhere: exists, but reading it says why it is no image */ OTHER,
        /** nothing there, or it cannot be looked at ({@link Entry#problem} says why) */ MISSING
    }

    /**
     * One thing found.
     *
     * @param name     its last path segment
     * @param kind     what it is
     * @param problem  why it cannot be looked at (a link loop, permission), else null
     * @param modified last modification, ms since the epoch (0 unknown)
     * @param handle   the implementation's own reference (a {@code java.nio.file.Path}, a Hadoop {@code FileStatus})
     */
    record Entry(String name, Kind kind, String problem, long modified, Object handle) {
    }

    /** What a location given by the user ({@code photos/a.jpg}, {@code hdfs://nn/x}) is; never throws. */
    Entry stat(String location);

    /** The entries of a directory, in any order, links followed. */
    List<Entry> list(Entry dir) throws IOException;

    /** Reads a file (or a pipe). */
    InputStream open(Entry file) throws IOException;

    /**
     * What a directory really is, however it was reached (a symbolic link, a bind mount, {@code ..}), as a
     * string equal for one directory across this and every other source ({@link LocalSource#identityOf}
     * for local directories); null when it cannot be told.
     */
    String identity(Entry dir);

    /** The entry as a complete location to read it again later, elsewhere ({@code /abs/a.jpg}, {@code hdfs://nn/a.jpg}). */
    String location(Entry e);
}
