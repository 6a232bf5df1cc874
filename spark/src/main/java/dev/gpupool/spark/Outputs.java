package dev.gpupool.spark;

import dev.gpupool.job.AtomicFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;

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
 *       which is then renamed to the target. HDFS renames it over an existing target atomically
 *       ({@code rename(.., OVERWRITE)}: readers see the old file or the new one, never none). Elsewhere a
 *       plain rename does not replace: a target that is newer than the temporary came from another attempt of
 *       the same item (the same bytes) and stands, the temporary is dropped; an older one is stale and is
 *       deleted first (a moment without it, never a partial one), and the rename tried again, as concurrent
 *       attempts may be doing the same.</li>
 *   <li>Object stores whose output streams can be aborted ({@link CommonPathCapabilities#ABORTABLE_STREAM}:
 *       S3A, and any store that declares it): the bytes go straight to the target. Such a store makes an object
 *       visible only when its upload completes at {@code close()}, whole; a write that fails is
 *       {@link FSDataOutputStream#abort() aborted}, so no object appears. No temporary and no rename: on these
 *       stores a rename is a copy and a delete, which would cost a second upload per output and is not atomic.
 *       Concurrent attempts each upload the same whole bytes; the last to complete stands.</li>
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
            AtomicFiles.writeOutput(java.nio.file.Path.of(u.getPath()), data);
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
        if (fs.hasPathCapability(target, CommonPathCapabilities.ABORTABLE_STREAM)) {
            writeObject(fs, target, data);
            return;
        }
        Path tmp = new Path(target.getParent(), "." + target.getName() + AtomicFiles.TEMP_MARK
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        fs.mkdirs(target.getParent());
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(data);
            }
            if (fs instanceof DistributedFileSystem dfs) {
                dfs.rename(tmp, target, Options.Rename.OVERWRITE);   // atomic, over what is there
                return;
            }
            long written = fs.getFileStatus(tmp).getModificationTime();
            for (int attempt = 0; attempt < 10; attempt++) {
                if (fs.rename(tmp, target)) return;      // false when the target exists (HDFS, most stores)
                FileStatus there;
                try {
                    there = fs.getFileStatus(target);
                } catch (FileNotFoundException gone) {
                    continue;                            // a concurrent attempt deleted it: rename again
                }
                if (there.getModificationTime() >= written) return;  // another attempt's, as new as ours
                fs.delete(target, false);                // stale
            }
            throw new IOException("cannot rename " + tmp + " to " + target);
        } finally {
            fs.delete(tmp, false);
        }
    }

    /** Straight to the target on an object store; see the class comment. */
    private static void writeObject(FileSystem fs, Path target, byte[] data) throws IOException {
        FSDataOutputStream out = fs.create(target, true);
        boolean complete = false;
        try {
            out.write(data);
            out.close();                    // the upload completes here: the object appears, whole
            complete = true;
        } finally {
            if (!complete) out.abort();     // no object, not a partial one
        }
    }
}
