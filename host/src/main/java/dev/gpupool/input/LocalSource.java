package dev.gpupool.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/** The local file system ({@code java.nio}): plain paths and {@code file:} URLs. Stateless. */
public final class LocalSource implements InputSource {
    public static final LocalSource INSTANCE = new LocalSource();

    private LocalSource() {
    }

    @Override
    public Entry stat(String location) {
        try {
            return stat(Path.of(location));
        } catch (InvalidPathException e) {
            return new Entry(location, Kind.MISSING, "not a valid path: " + e.getReason(), 0, null);
        }
    }

    /** What {@code p} is, links followed; a link that leads nowhere (or to itself) is {@link Kind#OTHER} with the reason. */
    public Entry stat(Path p) {
        String name = p.getFileName() == null ? p.toString() : p.getFileName().toString();
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            Kind k = a.isDirectory() ? Kind.DIRECTORY : a.isRegularFile() ? Kind.FILE : isPipe(p) ? Kind.PIPE : Kind.OTHER;
            return new Entry(name, k, null, a.lastModifiedTime().toMillis(), p);
        } catch (IOException | SecurityException e) {
            if (Files.isSymbolicLink(p)) return new Entry(name, Kind.OTHER, reason(e), 0, p); // a broken link: it is there
            return new Entry(name, Kind.MISSING, e instanceof NoSuchFileException ? null : reason(e), 0, p);
        }
    }

    @Override
    public List<Entry> list(Entry dir) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream((Path) dir.handle())) {
            for (Path p : ds) out.add(stat(p));
        } catch (java.nio.file.DirectoryIteratorException e) {
            throw e.getCause();
        }
        return out;
    }

    @Override
    public InputStream open(Entry file) throws IOException {
        return Files.newInputStream((Path) file.handle());
    }

    @Override
    public String identity(Entry dir) {
        return identityOf((Path) dir.handle());
    }

    @Override
    public String location(Entry e) {
        return e.handle().toString();
    }

    /**
     * What a local file or directory really is: its device and inode when the file system gives them (so a
     * bind mount of a directory is that directory), else its real path; null when it cannot be resolved (it
     * is not there).
     */
    public static String identityOf(Path p) {
        try {
            Object key = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
            return key != null ? "local:" + key : "local:" + p.toRealPath();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static boolean isPipe(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            return (mode & 0170000) == 0010000; // S_IFIFO
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return false;
        }
    }

    /** A file exception's one-line reason ({@code no such file}, {@code permission denied}, the OS's words). */
    public static String reason(Exception e) {
        if (e instanceof NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException fse && fse.getReason() != null) return fse.getReason();
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
