package dev.gpupool.backend.cpu;

import dev.gpupool.job.ThumbnailRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the {@code cpu} engine puts an image it already holds in memory (a fetched URL, standard input)
 * for its worker process: a file in memory-backed {@code /dev/shm} (else the temporary directory) that
 * the worker reads, instead of the bytes crossing the worker's pipe inside the request frame. Through
 * the pipe, 290 MB of fetched photos cost the host and the workers 64 KiB pipe writes and reads with a
 * wake-up each, plus a frame copy on either side (the sys time of a run over HTTP went from 1.3 s on
 * {@code cpu-threads} to 3.4 s on {@code cpu}); one write of the file and the worker's one read replace
 * them. The file lives in this JVM's own folder ({@code gpupool-spool-PID}), is deleted when the image is
 * done, and folders of JVMs that are gone are removed when the next one starts spooling.
 */
final class Spool {
    /** Smaller bodies cross the pipe: the file costs more than it saves below about a page or two. */
    static final int MIN_BYTES = 16 << 10;
    private static final String PREFIX = "gpupool-spool-";
    private static final AtomicLong NEXT = new AtomicLong();
    /** Files handed out by {@link #newFile} and not yet submitted. */
    private static final java.util.Set<Path> ISSUED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static volatile Path dir;

    private Spool() {
    }

    /** A request the worker reads from a file, and what to delete when it is done. */
    record Spooled(ThumbnailRequest request, Path file) {
        void delete() {
            if (file == null) return;
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the folder goes with the next start's clean-up
            }
        }
    }

    /**
     * {@code request} as the worker should get it: bytes of {@link #MIN_BYTES} and more spooled to a file;
     * a file from {@link #newFile} is the spool's, deleted with the image.
     */
    static Spooled of(ThumbnailRequest request) {
        if (request.file() != null && ISSUED.remove(request.file())) return new Spooled(request, request.file());
        byte[] b = request.bytes();
        if (b == null || b.length < MIN_BYTES) return new Spooled(request, null);
        try {
            Path f = folder().resolve("in-" + NEXT.incrementAndGet());
            Files.write(f, b);
            return new Spooled(new ThumbnailRequest(request.input(), f, null, request.outputs(), request.spec()), f);
        } catch (IOException | RuntimeException e) {
            return new Spooled(request, null); // no spool (full, read-only): the pipe still works
        }
    }

    /**
     * A new file name in the spool folder for a fetched body to be written into (it does not exist yet);
     * null when there is no spool folder. {@link #of} knows it as the spool's.
     */
    static Path newFile() {
        try {
            Path f = folder().resolve("in-" + NEXT.incrementAndGet());
            ISSUED.add(f);
            return f;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A file from {@link #newFile} that will not be submitted: forgotten and deleted. */
    static void discard(Path file) {
        ISSUED.remove(file);
        new Spooled(null, file).delete();
    }

    private static Path folder() throws IOException {
        Path d = dir;
        if (d != null) return d;
        synchronized (Spool.class) {
            if (dir == null) {
                Path shm = Path.of("/dev/shm");
                Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
                removeOrphans(base);
                Path mine = Files.createDirectories(base.resolve(PREFIX + ProcessHandle.current().pid()));
                mine.toFile().deleteOnExit();
                dir = mine;
            }
            return dir;
        }
    }

    /** Removes the spool folders of processes that no longer run (a JVM killed mid-batch leaves its folder). */
    static void removeOrphans(Path base) {
        try (var folders = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path f : folders) {
                String pid = f.getFileName().toString().substring(PREFIX.length());
                boolean alive;
                try {
                    alive = ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (alive) continue;
                try (var files = Files.list(f)) {
                    for (Path p : (Iterable<Path>) files::iterator) Files.deleteIfExists(p);
                }
                Files.deleteIfExists(f);
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: a folder we cannot read is someone else's
        }
    }
}
