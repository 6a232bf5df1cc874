package dev.gpupool.thumbnail;

import java.io.IOException;
import java.io.InputStream;
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
 * an input; {@code -} is one image read from standard input; {@code @FILE} reads one INPUT a line
 * ({@code @-}: standard input; blank lines and lines starting with {@code #} are ignored; bounded, see
 * {@link #readList(String, List, long, int)}). Standard input is read once at most, by the first of
 * {@code -} and {@code @-}. Anything else becomes a failed input with the reason.
 */
public final class InputScanner {
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "jpe", "jfif", "png", "gif", "bmp", "dib",
            "webp", "tif", "tiff");

    /** The most read from standard input for the INPUT {@code -}: as much as a URL's body. */
    static final long MAX_STDIN_BYTES = HttpFetcher.DEFAULT_MAX_BYTES;

    private final Path outputDir;
    private final InputStream stdin;
    private String stdinReadBy; // the argument that read standard input, once it has

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

    /** The most a list ({@code @FILE}) may hold: 64 MiB, and 64 KiB on one line. */
    static final long MAX_LIST_BYTES = 64L << 20;
    static final int MAX_LINE_BYTES = 64 << 10;

    private void readList(String arg, List<Input> out) {
        readList(arg, out, MAX_LIST_BYTES, MAX_LINE_BYTES);
    }

    /**
     * Reads a list, one INPUT a line (UTF-8; a trailing CR is dropped with the rest of the surrounding
     * blanks), bounded: a list larger than {@code maxBytes}, a line longer than {@code maxLine} bytes, or
     * a device (such as {@code /dev/zero}, which never ends) fails as one input with the reason, instead of
     * hanging or filling memory. Regular files and pipes ({@code @<(find ...)}) are read.
     */
    void readList(String arg, List<Input> out, long maxBytes, int maxLine) {
        String name = arg.substring(1);
        List<String> lines = new ArrayList<>();
        try (InputStream in = name.equals("-") ? stdinOnce(arg) : openList(Path.of(name))) {
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBytes) throw new IOException("larger than " + maxBytes + " bytes");
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines.add(decode(line));
                        line.reset();
                    } else {
                        line.write(buf[i]);
                        if (line.size() > maxLine) throw new IOException("line " + (lines.size() + 1) + " is longer than " + maxLine + " bytes");
                    }
                }
            }
            if (line.size() > 0) lines.add(decode(line));
        } catch (IOException | java.io.UncheckedIOException | IllegalArgumentException e) {
            out.add(Input.failed(arg, "cannot read the input list: " + reason(e)));
            return;
        }
        for (String l : lines) {
            String t = l.strip();
            if (!t.isEmpty() && !t.startsWith("#")) add(t, out);
        }
    }

    private static String decode(java.io.ByteArrayOutputStream line) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(line.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException("not UTF-8 text");
        }
    }

    /** A list file to read: a regular file or a pipe; a directory, a device or a socket is refused. */
    private static InputStream openList(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        if (a.isDirectory()) throw new IOException("is a directory");
        if (!a.isRegularFile() && !isPipe(p)) throw new IOException("not a regular file or a pipe");
        return Files.newInputStream(p);
    }

    private static boolean isPipe(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            return (mode & 0170000) == 0010000; // S_IFIFO
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return false;
        }
    }

    /**
     * Standard input for {@code arg}, which may be read once per batch (by {@code -} or {@code @-}); not
     * closed after.
     */
    private InputStream stdinOnce(String arg) throws IOException {
        if (stdinReadBy != null) throw new IOException("standard input was already read for " + stdinReadBy);
        stdinReadBy = arg;
        return new java.io.FilterInputStream(stdin) {
            @Override
            public void close() {
            }
        };
    }

    /**
     * The INPUT {@code -}: one image read whole from standard input (at most {@link #MAX_STDIN_BYTES};
     * {@code --max-pixels} applies when it is decoded). Its outputs are named {@code stdin.EXT}.
     */
    private void addStdin(List<Input> out) {
        byte[] data;
        try (InputStream in = stdinOnce("-")) {
            data = in.readNBytes((int) MAX_STDIN_BYTES + 1);
        } catch (IOException e) {
            out.add(Input.failed("-", "cannot read standard input: " + reason(e)));
            return;
        }
        if (data.length > MAX_STDIN_BYTES) out.add(Input.failed("-", "standard input is larger than " + MAX_STDIN_BYTES + " bytes"));
        else if (data.length == 0) out.add(Input.failed("-", "standard input is empty"));
        else out.add(new Input("-", null, null, "stdin" + sniffedExtension(data), null, data));
    }

    /** {@code .jpg}, {@code .png}, ... as the bytes start, or nothing (so {@code --format same} keeps JPEG and WebP). */
    static String sniffedExtension(byte[] h) {
        int n = Math.min(h.length, MAGIC_LENGTH);
        if (!looksLikeImage(h, n)) return "";
        if ((h[0] & 0xFF) == 0xFF) return ".jpg";
        if ((h[0] & 0xFF) == 0x89) return ".png";
        if (h[0] == 'G') return ".gif";
        if (h[0] == 'B') return ".bmp";
        if (h[0] == 'R') return ".webp";
        return ".tif";
    }

    private void add(String arg, List<Input> out) {
        if (arg.equals("-")) {
            addStdin(out);
            return;
        }
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

    /** How many first bytes of a file {@link #looksLikeImage(byte[], int)} needs to see (18: a BMP's info header size). */
    public static final int MAGIC_LENGTH = 18;

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
     * ({@code 'GIF8'}, 6), BMP ({@code 'BM'} and a plausible header, 18: {@link dev.gpupool.codec.Codecs#isBmpHeader}), WebP ({@code 'RIFF' .... 'WEBP'}, 12) or TIFF
     * ({@code 'II' 2A 00} or {@code 'MM' 00 2A}).
     */
    public static boolean looksLikeImage(byte[] h, int n) {
        if (n >= 3 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xFF) == 0xD8 && (h[2] & 0xFF) == 0xFF) return true;
        if (n >= 8 && (h[0] & 0xFF) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G') return true;
        if (n >= 6 && h[0] == 'G' && h[1] == 'I' && h[2] == 'F' && h[3] == '8') return true;
        if (dev.gpupool.codec.Codecs.isBmpHeader(h, n)) return true;
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
