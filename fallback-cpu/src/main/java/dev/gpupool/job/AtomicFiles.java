package dev.gpupool.job;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whole-or-nothing files: content goes to a temporary file beside the target, which is then renamed
 * over it, so a reader (or a process killed at any moment) never sees a partial output. Leftover
 * temporaries of a killed run carry {@link #TEMP_MARK} in their names and are removed by
 * {@link #cleanLeftovers}. (No fsync: a killed process cannot lose renamed data; only a power cut
 * could, and thumbnails are cheap to redo.)
 */
public final class AtomicFiles {
    /** Part of every temporary file's name. */
    public static final String TEMP_MARK = ".gpupool-tmp-";

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
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + TEMP_MARK + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        TempListener l = listener;
        if (l != null) l.willCreate(tmp);
        try {
            writeTemp(tmp, data);
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

    /** Removes temporaries left in {@code dir} (recursively) by a killed run; returns how many. */
    public static int cleanLeftovers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        int[] n = {0};
        try (var walk = Files.walk(dir)) {
            walk.filter(p -> p.getFileName().toString().contains(TEMP_MARK) && Files.isRegularFile(p)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                    n[0]++;
                } catch (IOException ignored) {
                    // another run may own it; leave it
                }
            });
        }
        return n[0];
    }

}
