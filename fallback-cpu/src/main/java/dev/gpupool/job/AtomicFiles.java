package dev.gpupool.job;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whole-or-nothing files: content goes to a temporary file beside the target, which is then renamed
 * over it, so a reader (or a process killed at any moment) never sees a partial output. (No fsync: a
 * killed process cannot lose renamed data; only a power cut could, and thumbnails are cheap to redo.)
 *
 * <p>A temporary's name is {@code .gpupool-tmp-DOMAIN-PID-START-N} ({@link #TEMP_MARK}, then its
 * writer's process: the PID namespace it lives in, its pid, its start time, a number), about 45 bytes
 * whatever the target's name, so a target name of up to 255 bytes can be written (a temporary named
 * after its target failed for names of 225 bytes and more), and the owner of any temporary is known.
 * {@link #cleanLeftovers} removes only temporaries whose owner is dead: two runs on one output directory
 * no longer delete each other's temporaries in mid-write. A pid alone could have been reused by another
 * process since; the start time tells them apart. A temporary of another PID namespace (a container
 * sharing the directory), or one named by an older gpupool, cannot be judged by its owner and is
 * removed once it is {@link #FOREIGN_STALE} old.
 */
public final class AtomicFiles {
    /** Part of every temporary file's name (its start, for those this class makes). */
    public static final String TEMP_MARK = ".gpupool-tmp-";

    /** Age after which a temporary whose owner cannot be checked is taken for a leftover. */
    static final java.time.Duration FOREIGN_STALE = java.time.Duration.ofHours(1);

    /** This process, as its temporaries name it: {@code DOMAIN-PID-START-}. */
    private static final String SELF = ProcessOwner.prefix(ProcessHandle.current().pid());
    private static final java.util.concurrent.atomic.AtomicLong serial =
            new java.util.concurrent.atomic.AtomicLong(ThreadLocalRandom.current().nextInt() & 0xffffffL);

    /** Told of each temporary file before it is created (a worker process tells its host; see {@link #announceTempsTo}). */
    @FunctionalInterface
    public interface TempListener {
        void willCreate(Path temporary) throws IOException;
    }

    private static volatile TempListener listener;

    private AtomicFiles() {
    }

    /**
     * Names each temporary file to {@code l} before it is created. A worker process of the {@code cpu}
     * backend announces them to its host, which deletes them if the worker dies mid-write, instead of
     * leaving them for the next run's {@link #cleanLeftovers}.
     */
    public static void announceTempsTo(TempListener l) {
        listener = l;
    }

    /**
     * Writes {@code data} to {@code target} whole or not at all, creating parent directories. A
     * thread interrupted before the rename leaves nothing: its image was given up on.
     */
    public static void write(Path target, byte[] data) throws IOException {
        write(target, data, false);
    }

    /**
     * As {@link #write(Path, byte[])}, for a thumbnail: the temporary carries the extended attribute
     * {@code user.gpupool = thumbnail} before its rename, so the output appears whole <em>and</em> known
     * as gpupool's. (The host then adds which input made it.) Marked only after the rename, a kill -9
     * between the two left an output that the next run took for someone else's file and refused to
     * replace. Where the file system has no user attributes, it is written unmarked.
     */
    public static void writeOutput(Path target, byte[] data) throws IOException {
        write(target, data, true);
    }

    /** The extended attribute (user namespace) that marks gpupool's outputs, and its value before the host adds the input. */
    public static final String MARK = "gpupool", MARK_KIND = "thumbnail";

    private static void write(Path target, byte[] data, boolean mark) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(tempName());
        TempListener l = listener;
        if (l != null) l.willCreate(tmp);
        try {
            writeTemp(tmp, data);
            if (mark) markKind(tmp);
            if (Thread.currentThread().isInterrupted()) {
                // Stopped meanwhile (past its time limit, or a signal's grace ran out): the image is
                // already reported failed, so its output must not appear late. (File writes do not
                // heed interrupts; a native decode before them cannot.)
                throw new java.io.InterruptedIOException("interrupted: " + target + " not written");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Test-only fault injection: with the system property {@code gpupool.test.diskFullAfterBytes=N},
     * once this JVM has written N bytes of outputs, each further write puts half its data in the
     * temporary file and then fails as a full disk does ({@code No space left on device}).
     */
    static final String DISK_FULL_AFTER = "gpupool.test.diskFullAfterBytes";
    private static final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();

    private static void writeTemp(Path tmp, byte[] data) throws IOException {
        Long limit = Long.getLong(DISK_FULL_AFTER);
        if (limit != null && written.addAndGet(data.length) > limit) {
            Files.write(tmp, java.util.Arrays.copyOf(data, data.length / 2));
            throw new java.nio.file.FileSystemException(tmp.toString(), null, "No space left on device");
        }
        Files.write(tmp, data);
    }

    private static void markKind(Path file) {
        try {
            var v = Files.getFileAttributeView(file, java.nio.file.attribute.UserDefinedFileAttributeView.class);
            if (v != null) v.write(MARK, java.nio.ByteBuffer.wrap(MARK_KIND.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // no user attributes here: the output is unmarked, as on FAT
        }
    }

    /** A new temporary's file name, owned by this process. */
    static String tempName() {
        return TEMP_MARK + SELF + Long.toString(serial.incrementAndGet(), 36);
    }

    /** Removes temporaries left in {@code dir} (recursively) by runs that are over; returns how many. */
    public static int cleanLeftovers(Path dir) throws IOException {
        return cleanLeftovers(dir, true);
    }

    /**
     * Removes the temporaries in {@code dir} (and under it when {@code deep}) whose writer is dead, or
     * that cannot be judged by their writer and are {@link #FOREIGN_STALE} old; returns how many. Those of
     * a live writer (this process, another run) stay: they are in mid-write.
     */
    public static int cleanLeftovers(Path dir, boolean deep) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        int n = 0;
        try (var walk = deep ? Files.walk(dir) : Files.list(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.getFileName() == null || !p.getFileName().toString().contains(TEMP_MARK)) continue;
                if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) || !isLeftover(p)) continue;
                try {
                    if (Files.deleteIfExists(p)) n++;
                } catch (IOException ignored) {
                    // not ours to remove (permissions): a temporary is never taken for an output
                }
            }
        }
        return n;
    }

    /** True when the temporary {@code p} belongs to no live writer. */
    static boolean isLeftover(Path p) {
        String name = p.getFileName().toString();
        Boolean dead = name.startsWith(TEMP_MARK) ? ProcessOwner.isDead(name.substring(TEMP_MARK.length())) : null;
        if (dead != null) return dead;
        try {
            java.time.Instant modified = Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant();
            return modified.isBefore(java.time.Instant.now().minus(FOREIGN_STALE));
        } catch (IOException e) {
            return false; // gone already, or unreadable: left alone
        }
    }
}
