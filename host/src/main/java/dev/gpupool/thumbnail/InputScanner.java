package dev.gpupool.thumbnail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Expands the command line's INPUTs into the batch's inputs, in order: a file is an input; a
 * directory is walked recursively (sorted by name; a file there is an input when its name has an
 * image extension or its content starts like an image; temporaries of gpupool and the output
 * directory itself are passed over; symbolic-link loops and unreadable directories are reported as failed inputs, not followed); an {@code http(s)://} URL is
 * an input; {@code @FILE} reads one INPUT a line ({@code @-}: standard input; blank lines and lines
 * starting with {@code #} are ignored). Anything else becomes a failed input with the reason.
 */
public final class InputScanner {
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "jpe", "jfif", "png", "gif", "bmp", "dib",
            "webp", "tif", "tiff");

    private final Path outputDir;
    private final InputStream stdin;

    /** @param outputDir never walked into (so a rerun does not take its own outputs as inputs) */
    public InputScanner(Path outputDir, InputStream stdin) {
        this.outputDir = outputDir == null ? null : outputDir.toAbsolutePath().normalize();
        this.stdin = stdin;
    }

    public List<Input> scan(List<String> args) {
        List<Input> out = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("@")) readList(a, out);
            else add(a, out);
        }
        return out;
    }

    private void readList(String arg, List<Input> out) {
        String name = arg.substring(1);
        try (BufferedReader r = name.equals("-")
                ? new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(name), StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) add(t, out);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            out.add(Input.failed(arg, "cannot read the input list: " + reason(e)));
        }
    }

    private void add(String arg, List<Input> out) {
        int colon = arg.indexOf("://");
        if (colon > 0 && arg.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            addUrl(arg, out);
            return;
        }
        Path p = Path.of(arg);
        if (Files.isDirectory(p)) {
            walk(p, out);
        } else if (Files.exists(p) || Files.isSymbolicLink(p)) {
            out.add(new Input(arg, p, null, p.getFileName().toString(), null));
        } else {
            out.add(Input.failed(arg, "no such file or directory"));
        }
    }

    private static void addUrl(String arg, List<Input> out) {
        URI uri;
        try {
            uri = new URI(arg);
        } catch (URISyntaxException e) {
            out.add(Input.failed(arg, "not a valid URL: " + e.getReason()));
            return;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "http", "https" -> {
                if (uri.getHost() == null) {
                    out.add(Input.failed(arg, "URL has no host"));
                    return;
                }
                out.add(new Input(arg, null, uri, OutputNames.safeSegment(uri), null));
            }
            case "file" -> {
                Path p;
                try {
                    p = Path.of(uri);
                } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                    // file://host/x (a remote host) or file:relative: not a local file; the batch goes on.
                    out.add(Input.failed(arg, "not a local file URL: " + reason(e)));
                    return;
                }
                out.add(Files.exists(p) && p.getFileName() != null ? new Input(arg, p, null, p.getFileName().toString(), null)
                        : Input.failed(arg, "no such file or directory"));
            }
            default -> out.add(Input.failed(arg, "unsupported URL scheme '" + scheme + "' (only file, http and https)"));
        }
    }

    private void walk(Path dir, List<Input> out) {
        Path base = dir;
        List<Path> found = new ArrayList<>();
        java.util.Map<Path, String> refused = new java.util.HashMap<>(); // found, with why it cannot be read
        try {
            Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (outputDir != null && !d.equals(base) && d.toAbsolutePath().normalize().equals(outputDir)) return FileVisitResult.SKIP_SUBTREE;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() ? isCandidate(f) : !attrs.isDirectory() && hasImageExtension(f)) {
                        found.add(f); // a FIFO, device or looping link named like an image: reading it says why
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    // A symbolic-link loop or an unreadable directory: reported, and the walk goes on.
                    if (f.getFileName() != null && f.getFileName().toString().contains(dev.gpupool.job.AtomicFiles.TEMP_MARK)
                            || e instanceof java.nio.file.NoSuchFileException && !hasImageExtension(f)) {
                        return FileVisitResult.CONTINUE; // our temporaries, and non-images gone while walking
                    }
                    found.add(f);
                    refused.put(f, e instanceof FileSystemLoopException ? "symbolic link loop, not followed"
                            : "cannot read: " + reason(e));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            out.add(Input.failed(dir.toString(), "cannot walk the directory: " + reason(e)));
            return;
        }
        found.sort(null);
        for (Path f : found) {
            String rel = base.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
            String error = refused.get(f);
            out.add(error != null ? Input.failed(f.toString(), error) : new Input(f.toString(), f, null, rel, null));
        }
    }

    private static boolean isCandidate(Path f) {
        String name = f.getFileName().toString();
        if (name.contains(dev.gpupool.job.AtomicFiles.TEMP_MARK)) return false;
        return hasImageExtension(f) || looksLikeImage(f);
    }

    static boolean hasImageExtension(Path f) {
        return hasImageExtension(f.getFileName().toString());
    }

    /**
     * True when a file named {@code name} is taken from a directory by its name alone: its extension (after
     * the last '.', which must not start the name; case-insensitive) is one of {@code jpg jpeg jpe jfif png
     * gif bmp dib webp tif tiff}. Other files are taken when {@link #looksLikeImage(byte[], int)} says so of
     * their first {@link #MAGIC_LENGTH} bytes.
     */
    public static boolean hasImageExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** How many first bytes of a file {@link #looksLikeImage(byte[], int)} needs to see (12). */
    public static final int MAGIC_LENGTH = 12;

    /** True when the first bytes are those of JPEG, PNG, GIF, BMP, WebP or TIFF. */
    static boolean looksLikeImage(Path f) {
        byte[] h = new byte[MAGIC_LENGTH];
        int n;
        try (InputStream in = Files.newInputStream(f)) {
            n = in.readNBytes(h, 0, h.length);
        } catch (IOException e) {
            return false;
        }
        return looksLikeImage(h, n);
    }

    /**
     * True when {@code h[0..n)}, a file's first bytes ({@code n} may be less than {@link #MAGIC_LENGTH} for
     * a short file), start like a JPEG ({@code FF D8 FF}), PNG ({@code 89 'PNG'}, 8 bytes at least), GIF
     * ({@code 'GIF8'}, 6), BMP ({@code 'BM'}), WebP ({@code 'RIFF' .... 'WEBP'}, 12) or TIFF
     * ({@code 'II' 2A 00} or {@code 'MM' 00 2A}).
     */
    public static boolean looksLikeImage(byte[] h, int n) {
        if (n >= 3 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xFF) == 0xD8 && (h[2] & 0xFF) == 0xFF) return true;
        if (n >= 8 && (h[0] & 0xFF) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G') return true;
        if (n >= 6 && h[0] == 'G' && h[1] == 'I' && h[2] == 'F' && h[3] == '8') return true;
        if (n >= 2 && h[0] == 'B' && h[1] == 'M') return true;
        if (n >= 12 && h[0] == 'R' && h[1] == 'I' && h[2] == 'F' && h[3] == 'F' && h[8] == 'W' && h[9] == 'E' && h[10] == 'B' && h[11] == 'P') return true;
        return n >= 4 && ((h[0] == 'I' && h[1] == 'I' && h[2] == 42 && h[3] == 0) || (h[0] == 'M' && h[1] == 'M' && h[2] == 0 && h[3] == 42));
    }

    static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) return fse.getReason();
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
