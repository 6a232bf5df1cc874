package dev.gpupool.thumbnail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;

/**
 * Tells the files gpupool wrote apart from anyone else's, without a sidecar file and without touching the
 * image: a batch marks every output it wrote with the extended attribute {@code user.gpupool} (what
 * {@code getfattr -n user.gpupool FILE} shows), and an existing file at an output path is replaced without
 * {@code --overwrite} only when it carries that mark. On a file system without user extended attributes
 * (FAT, some network file systems, tmpfs before Linux 6.6) nothing can be marked, so an existing output
 * that is not up to date is never replaced there without {@code --overwrite}: the safe side.
 */
final class OutputMarks {
    static final String NAME = "gpupool";
    private static final byte[] VALUE = "thumbnail".getBytes(StandardCharsets.US_ASCII);

    private OutputMarks() {
    }

    /** Marks {@code file} as gpupool's; a file system that cannot hold the mark is left as it is. */
    static void mark(Path file) {
        try {
            UserDefinedFileAttributeView v = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (v != null) v.write(NAME, ByteBuffer.wrap(VALUE));
        } catch (IOException | UnsupportedOperationException | SecurityException ignored) {
            // unmarked: a later run will not replace it without --overwrite, which is the safe side
        }
    }

    /** True when {@code file} carries gpupool's mark. */
    static boolean isMarked(Path file) {
        try {
            UserDefinedFileAttributeView v = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (v == null || !v.list().contains(NAME)) return false;
            ByteBuffer b = ByteBuffer.allocate(VALUE.length + 1);
            int n = v.read(NAME, b);
            return n == VALUE.length && java.util.Arrays.equals(java.util.Arrays.copyOf(b.array(), n), VALUE);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
