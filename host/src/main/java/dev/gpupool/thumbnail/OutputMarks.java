package dev.gpupool.thumbnail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Arrays;

/**
 * Tells the files gpupool wrote apart from anyone else's, and which input each was made from, without a
 * sidecar file and without touching the image: a batch marks every output it wrote with the extended
 * attribute {@code user.gpupool} (what {@code getfattr -n user.gpupool FILE} shows), whose value is
 * {@code thumbnail}, a newline, and the input's {@linkplain OutputNames#identity identity} (its absolute
 * path or URL; {@code sha256:} and its hash when longer than {@link #MAX_IDENTITY} bytes, so the mark fits
 * any file system's attribute space).
 * <ul>
 *   <li>An existing file at an output path is replaced without {@code --overwrite} only when it carries
 *       a mark ({@link #isMarked}).</li>
 *   <li>An output made from another input is never taken for this input's: its name goes to the other
 *       input ({@link #madeFromAnother}, {@link OutputNames}), and it is never up to date for this one
 *       ({@link #madeFrom}). A mark of an older gpupool ({@code thumbnail} alone) says no input: such an
 *       output is redone once, and marked.</li>
 * </ul>
 * On a file system without user extended attributes (FAT, some network file systems, tmpfs before Linux
 * 6.6) nothing can be marked, so an existing output that is not up to date is never replaced there without
 * {@code --overwrite} (the safe side), and which input made it cannot be told.
 */
final class OutputMarks {
    static final String NAME = dev.gpupool.job.AtomicFiles.MARK;
    private static final String KIND = dev.gpupool.job.AtomicFiles.MARK_KIND; // written on the temporary, before the rename
    /** Identities longer than this (in UTF-8) are marked by their hash. */
    static final int MAX_IDENTITY = 1000;

    private OutputMarks() {
    }

    /** Marks {@code file} as gpupool's, made from the input {@code identity}; a file system that cannot hold the mark is left as it is. */
    static void mark(Path file, String identity) {
        try {
            UserDefinedFileAttributeView v = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (v != null) v.write(NAME, ByteBuffer.wrap(value(identity)));
        } catch (IOException | UnsupportedOperationException | SecurityException ignored) {
            // unmarked: a later run will not replace it without --overwrite, which is the safe side
        }
    }

    private static byte[] value(String identity) {
        byte[] id = identity.getBytes(StandardCharsets.UTF_8);
        String stored = id.length <= MAX_IDENTITY ? identity : "sha256:" + sha256(id);
        return (KIND + "\n" + stored).getBytes(StandardCharsets.UTF_8);
    }

    /** The mark's bytes, or null when {@code file} has none (or cannot have one). */
    private static byte[] read(Path file) {
        try {
            UserDefinedFileAttributeView v = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (v == null || !v.list().contains(NAME)) return null;
            ByteBuffer b = ByteBuffer.allocate(Math.min(v.size(NAME), 64 << 10));
            int n = v.read(NAME, b);
            return Arrays.copyOf(b.array(), n);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** True when {@code file} carries gpupool's mark (of this version, or an older one). */
    static boolean isMarked(Path file) {
        byte[] m = read(file);
        if (m == null) return false;
        String s = new String(m, StandardCharsets.UTF_8);
        return s.equals(KIND) || s.startsWith(KIND + "\n");
    }

    /**
     * True when {@code file} carries the mark a worker writes before its rename ({@code thumbnail} alone)
     * and no host has marked it with its input since: an output whose image was renamed into place and
     * then never reported done (its worker stopped or killed right after), or an older gpupool's.
     */
    static boolean isUnreported(Path file) {
        byte[] m = read(file);
        return m != null && new String(m, StandardCharsets.UTF_8).equals(KIND);
    }

    /**
     * What {@code file}'s mark says of the input it was made from: {@code TRUE} made from {@code identity},
     * {@code FALSE} made from another input or by an older gpupool that did not say, null when it is not
     * marked (a foreign file, a file system without marks).
     */
    static Boolean madeFrom(Path file, String identity) {
        byte[] m = read(file);
        if (m == null) return null;
        if (Arrays.equals(m, value(identity))) return Boolean.TRUE;
        String s = new String(m, StandardCharsets.UTF_8);
        return s.equals(KIND) || s.startsWith(KIND + "\n") ? Boolean.FALSE : null;
    }

    /** True when {@code file} is an output gpupool made from an input other than {@code identity} (a mark that names one). */
    static boolean madeFromAnother(Path file, String identity) {
        byte[] m = read(file);
        if (m == null) return false;
        String s = new String(m, StandardCharsets.UTF_8);
        return s.startsWith(KIND + "\n") && !Arrays.equals(m, value(identity));
    }

    private static String sha256(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
