package dev.gpupool.spark;

import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double: an object store (S3A's write semantics) over a local directory, scheme {@code objstore:}.
 * Register it with {@code fs.objstore.impl}. What it imitates:
 * <ul>
 *   <li>an object appears only when its stream is closed, whole (the bytes are held until then, as S3A's
 *       block output stream does, and then moved into place atomically);</li>
 *   <li>streams are {@link Abortable} and the store says so ({@link CommonPathCapabilities#ABORTABLE_STREAM}):
 *       an aborted stream leaves no object;</li>
 *   <li>{@code rename} is what S3A makes of it, a copy and a delete, so gpupool must never need it for an
 *       output: it fails loudly ({@link AssertionError}) and is counted.</li>
 * </ul>
 * What it cannot show: anything about S3 itself (consistency of listings, request costs and throttling,
 * multipart limits, credentials), or S3A's committers for the report (see the README). The write failure
 * {@link #failWritesAfter} is the one fault it injects.
 */
public final class FakeObjectStore extends RawLocalFileSystem {
    static final String SCHEME = "objstore";
    static final AtomicInteger renames = new AtomicInteger(), aborts = new AtomicInteger(), completed = new AtomicInteger();
    /** A stream fails its write once it has taken this many bytes (negative: never). */
    static volatile long failWritesAfter = -1;

    static void reset() {
        renames.set(0);
        aborts.set(0);
        completed.set(0);
        failWritesAfter = -1;
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public Path getWorkingDirectory() {
        return new Path(SCHEME, null, "/");
    }

    @Override
    public Path getHomeDirectory() {
        return new Path(SCHEME, null, "/");
    }

    @Override
    public boolean hasPathCapability(Path path, String capability) throws IOException {
        return CommonPathCapabilities.ABORTABLE_STREAM.equals(capability) || super.hasPathCapability(path, capability);
    }

    @Override
    public boolean rename(Path src, Path dst) {
        renames.incrementAndGet();
        throw new AssertionError("rename(" + src + ", " + dst + ") on an object store: a copy and a delete, never for an output");
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication,
                                     long blockSize, Progressable progress) throws IOException {
        return upload(f, overwrite);
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        return upload(f, overwrite);
    }

    private FSDataOutputStream upload(Path f, boolean overwrite) throws IOException {
        java.nio.file.Path target = pathToFile(f).toPath();
        if (!overwrite && Files.exists(target)) throw new org.apache.hadoop.fs.FileAlreadyExistsException(f.toString());
        return new FSDataOutputStream(new Upload(target), null);
    }

    /** Bytes held until close, then the object appears whole; abort drops them. */
    private static final class Upload extends OutputStream implements Abortable {
        private final java.nio.file.Path target;
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();
        private boolean closed;

        Upload(java.nio.file.Path target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (closed) throw new IllegalStateException("write after close or abort");
            if (failWritesAfter >= 0 && held.size() + len > failWritesAfter) throw new IOException("injected: connection reset mid-upload");
            held.write(b, off, len);
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) return;
            closed = true;
            Files.createDirectories(target.getParent());
            java.nio.file.Path part = Files.createTempFile("objstore-upload", ".part");  // outside the store's tree
            Files.write(part, held.toByteArray());
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            completed.incrementAndGet();
        }

        @Override
        public synchronized AbortableResult abort() {
            boolean was = closed;
            closed = true;
            aborts.incrementAndGet();
            return new AbortableResult() {
                public boolean alreadyClosed() {
                    return was;
                }

                public IOException anyCleanupException() {
                    return null;
                }
            };
        }
    }
}
