package dev.gpupool.spark;

import dev.gpupool.input.InputSource;
import dev.gpupool.input.LocalSource;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Inputs on any Hadoop {@code FileSystem} ({@code hdfs://}, {@code s3a://}, {@code file:} through Hadoop's
 * LocalFileSystem, paths against {@code fs.defaultFS}): the Spark job's source for every path, and the CLI's
 * for Hadoop URIs ({@link HadoopSourceProvider}). A directory's identity is its resolved, qualified path
 * ({@code FileSystem.resolvePath}: a viewfs mount point is what it points to); on the local file system,
 * where symbolic links and bind mounts exist, it is {@link LocalSource#identityOf}, so an output directory
 * reached through a link is recognised as it is by the CLI. A {@code file:} entry that is not a regular file
 * (a FIFO, a device) is {@link Kind#OTHER}, never opened to look at its first bytes.
 */
public final class HadoopSource implements InputSource {
    private final Configuration conf;

    public HadoopSource(Configuration conf) {
        this.conf = conf;
    }

    @Override
    public Entry stat(String location) {
        Path p;
        try {
            p = new Path(location);
        } catch (IllegalArgumentException e) {
            return new Entry(location, Kind.MISSING, "not a valid path: " + InputLister.reason(e), 0, null);
        }
        try {
            FileSystem fs = p.getFileSystem(conf);
            return entry(fs.getFileStatus(p));
        } catch (FileNotFoundException e) {
            return new Entry(p.getName(), Kind.MISSING, null, 0, null);
        } catch (IOException | RuntimeException e) {
            return new Entry(p.getName(), Kind.MISSING, InputLister.reason(e), 0, null);
        }
    }

    private static Entry entry(FileStatus st) {
        Path p = st.getPath();
        Kind k = st.isDirectory() ? Kind.DIRECTORY : Kind.FILE;
        if (k == Kind.FILE && "file".equals(p.toUri().getScheme())) {
            java.nio.file.Path local = java.nio.file.Path.of(p.toUri());
            if (!Files.isRegularFile(local)) k = Kind.OTHER; // a FIFO or a device: reading it says why, sniffing it could block
        }
        return new Entry(p.getName(), k, null, st.getModificationTime(), st);
    }

    @Override
    public List<Entry> list(Entry dir) throws IOException {
        Path p = ((FileStatus) dir.handle()).getPath();
        List<Entry> out = new ArrayList<>();
        for (FileStatus st : p.getFileSystem(conf).listStatus(p)) out.add(entry(st));
        return out;
    }

    @Override
    public InputStream open(Entry file) throws IOException {
        Path p = ((FileStatus) file.handle()).getPath();
        return p.getFileSystem(conf).open(p);
    }

    @Override
    public String identity(Entry dir) {
        if (dir.handle() == null) return null;
        return identityOf(((FileStatus) dir.handle()).getPath());
    }

    /** {@link #identity} of a path: local ones as the CLI tells them apart, others by resolved qualified path. */
    String identityOf(Path p) {
        try {
            FileSystem fs = p.getFileSystem(conf);
            Path q = fs.makeQualified(p);
            if ("file".equals(q.toUri().getScheme())) return LocalSource.identityOf(java.nio.file.Path.of(q.toUri()));
            try {
                return fs.resolvePath(q).toString();
            } catch (IOException | UnsupportedOperationException e) {
                return q.toString();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public String location(Entry e) {
        Path p = ((FileStatus) e.handle()).getPath();
        try {
            return p.getFileSystem(conf).makeQualified(p).toString();
        } catch (IOException ex) {
            return p.toString();
        }
    }
}
