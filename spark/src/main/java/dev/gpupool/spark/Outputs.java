package dev.gpupool.spark;

import dev.gpupool.job.AtomicFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reading inputs and writing outputs on any Hadoop file system, whole or not at all, so that a retried
 * task or a speculative copy of one never leaves a partial or duplicated output.
 * <ul>
 *   <li>{@code file:} goes through {@link AtomicFiles} (temporary beside the target, atomic rename over
 *       it; no Hadoop {@code .crc} side files), exactly as the CLI writes.</li>
 *   <li>Other file systems: the bytes go to {@code .NAME.gpupool-tmp-RANDOM} in the target's directory,
 *       which is then renamed to the target. HDFS renames atomically and never over an existing file: when
 *       the target appeared meanwhile (another attempt of the same item won; its bytes are the same), the
 *       temporary is dropped. A stale target is deleted first (a moment without it, never a partial one). On S3A a rename is a
 *       copy and a delete, not atomic, but an S3 object only ever appears whole, so readers still never see
 *       a partial output; the cost is one extra copy per output.</li>
 * </ul>
 * Every temporary carries {@link AtomicFiles#TEMP_MARK}, so inputs listings pass over them and the CLI's
 * leftover cleaning removes those of a killed executor.
 */
final class Outputs {
    private Outputs() {
    }

    static boolean isLocal(URI u) {
        return u.getScheme() == null || u.getScheme().equals("file");
    }

    static byte[] read(String source, Configuration conf) throws IOException {
        URI u = URI.create(source);
        if (isLocal(u)) {
            java.nio.file.Path f = java.nio.file.Path.of(u.getPath());
            if (Files.isDirectory(f)) throw new IOException("is a directory, not an image file");
            try {
                return Files.readAllBytes(f);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IOException("no such file");
            } catch (java.nio.file.AccessDeniedException e) {
                throw new IOException("permission denied");
            }
        }
        Path p = new Path(u);
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            throw new IOException("no such file");
        }
    }

    /** Modification time of a file input in ms, or -1 for a URL (its outputs only need to exist). */
    static long sourceTime(WorkItem item, Configuration conf) throws IOException {
        if (item.isUrl()) return -1;
        URI u = URI.create(item.source());
        if (isLocal(u)) return Files.getLastModifiedTime(java.nio.file.Path.of(u.getPath())).toMillis();
        Path p = new Path(u);
        return p.getFileSystem(conf).getFileStatus(p).getModificationTime();
    }

    /** Every output exists and is no older than the input (the CLI's rule). */
    static boolean upToDate(List<String> outputs, long sourceMillis, Configuration conf) {
        try {
            for (String o : outputs) {
                URI u = URI.create(o);
                long t;
                if (isLocal(u)) {
                    java.nio.file.Path f = java.nio.file.Path.of(u.getPath());
                    if (!Files.isRegularFile(f)) return false;
                    t = Files.getLastModifiedTime(f).toMillis();
                } else {
                    Path p = new Path(u);
                    FileStatus st = p.getFileSystem(conf).getFileStatus(p);
                    if (!st.isFile()) return false;
                    t = st.getModificationTime();
                }
                if (sourceMillis >= 0 && t < sourceMillis) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void write(String target, byte[] data, Configuration conf) throws IOException {
        URI u = URI.create(target);
        if (isLocal(u)) {
            AtomicFiles.write(java.nio.file.Path.of(u.getPath()), data);
            return;
        }
        Path p = new Path(u);
        write(p.getFileSystem(conf), p, data);
    }

    /**
     * Temporary, then rename; see the class comment. An existing target is replaced (the job only writes
     * what is not up to date, and an attempt racing with this one writes the same bytes).
     */
    static void write(FileSystem fs, Path target, byte[] data) throws IOException {
        Path tmp = new Path(target.getParent(), "." + target.getName() + AtomicFiles.TEMP_MARK
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        fs.mkdirs(target.getParent());
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(data);
            }
            if (fs.rename(tmp, target)) return;          // HDFS: false when the target exists
            fs.delete(target, false);
            if (fs.rename(tmp, target)) return;
            if (!fs.exists(target)) throw new IOException("cannot rename " + tmp + " to " + target);
            // else: another attempt of this item renamed the same bytes there in between
        } finally {
            fs.delete(tmp, false);
        }
    }
}
