package dev.gpupool.spark;

import dev.gpupool.codec.OutputFormat;
import dev.gpupool.job.AtomicFiles;
import dev.gpupool.job.BoxSize;
import dev.gpupool.job.ThumbnailSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The driver's half: expands INPUTs as {@code gpupool thumbnails} does (a file is an input; a directory
 * is walked recursively, sorted, taking files with an image extension or content; a glob matches
 * either; {@code @FILE} reads one INPUT a line; http(s) URLs are inputs) but on any Hadoop file
 * system, and names every output the way the CLI does: the input's path relative to where it was
 * found, under the output directory, with the format's extension, {@code _SIZE} per size when there
 * are several, {@code ~2} when a name is taken. (The CLI's namer is package-private in host; this
 * mirrors it, and the module's test holds the two to the same outputs.)
 */
final class InputLister {
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "jpe", "jfif", "png", "gif", "bmp", "dib",
            "webp", "tif", "tiff");

    private final Configuration conf;
    private final Path outDir;
    private final List<BoxSize> sizes;
    private final OutputFormat format;
    private final InputStream stdin;
    private final Set<String> taken = new HashSet<>();
    private final List<WorkItem> items = new ArrayList<>();

    InputLister(Configuration conf, Path outDir, ThumbnailSpec spec, InputStream stdin) throws IOException {
        this.conf = conf;
        this.outDir = qualify(outDir);
        this.sizes = spec.sizes();
        this.format = spec.format();
        this.stdin = stdin;
    }

    /** The output directory, qualified ({@code file:/abs}, {@code hdfs://nn/abs}). */
    Path outDir() {
        return outDir;
    }

    List<WorkItem> list(List<String> args) {
        for (String a : args) {
            if (a.startsWith("@")) readList(a);
            else add(a);
        }
        return List.copyOf(items);
    }

    private Path qualify(Path p) throws IOException {
        return p.getFileSystem(conf).makeQualified(p);
    }

    private void readList(String arg) {
        String name = arg.substring(1);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(name.equals("-") ? stdin
                : new Path(name).getFileSystem(conf).open(new Path(name)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) add(t);
            }
        } catch (IOException | RuntimeException e) {
            failed(arg, "cannot read the input list: " + reason(e));
        }
    }

    private void add(String arg) {
        String lower = arg.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            addUrl(arg);
            return;
        }
        try {
            Path p = new Path(arg);
            FileSystem fs = p.getFileSystem(conf);
            boolean glob = arg.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
            FileStatus[] found = glob ? fs.globStatus(p) : new FileStatus[]{fs.getFileStatus(p)};
            if (found == null || found.length == 0) {
                failed(arg, glob ? "no file matches" : "no such file or directory");
                return;
            }
            for (FileStatus st : found) {
                if (st.isDirectory()) walk(fs, st, glob ? st.getPath().toString() : arg);
                else planned(glob ? st.getPath().toString() : arg, st.getPath(), st.getPath().getName());
            }
        } catch (FileNotFoundException e) {
            failed(arg, "no such file or directory");
        } catch (IOException | RuntimeException e) {
            failed(arg, reason(e));
        }
    }

    private void addUrl(String arg) {
        try {
            URI uri = new URI(arg);
            if (uri.getHost() == null) failed(arg, "URL has no host");
            else plannedUrl(arg, uri);
        } catch (URISyntaxException e) {
            failed(arg, "not a valid URL: " + e.getReason());
        }
    }

    private void walk(FileSystem fs, FileStatus dir, String given) throws IOException {
        String base = dir.getPath().toUri().getPath();
        List<FileStatus> found = new ArrayList<>();
        collect(fs, dir.getPath(), found);
        List<String[]> rels = new ArrayList<>();
        for (FileStatus f : found) {
            String path = f.getPath().toUri().getPath();
            rels.add(new String[]{path.substring(base.length()).replaceFirst("^/+", ""), f.getPath().toString()});
        }
        rels.sort((a, b) -> a[0].compareTo(b[0]));
        String prefix = given.endsWith("/") ? given : given + "/";
        for (String[] r : rels) planned(prefix + r[0], new Path(r[1]), r[0]);
    }

    private void collect(FileSystem fs, Path dir, List<FileStatus> found) throws IOException {
        for (FileStatus st : fs.listStatus(dir)) {
            if (st.isDirectory()) {
                if (!fs.makeQualified(st.getPath()).equals(outDir)) collect(fs, st.getPath(), found);
            } else if (isCandidate(fs, st)) {
                found.add(st);
            }
        }
    }

    private static boolean isCandidate(FileSystem fs, FileStatus st) {
        String name = st.getPath().getName();
        if (name.contains(AtomicFiles.TEMP_MARK) || name.endsWith(".crc") && name.startsWith(".")) return false;
        int dot = name.lastIndexOf('.');
        if (dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))) return true;
        byte[] h = new byte[12];
        try (InputStream in = fs.open(st.getPath())) {
            return looksLikeImage(h, in.readNBytes(h, 0, h.length));
        } catch (IOException e) {
            return false;
        }
    }

    /** The magic numbers of JPEG, PNG, GIF, BMP, WebP and TIFF (as the CLI's scanner). */
    static boolean looksLikeImage(byte[] h, int n) {
        if (n >= 3 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xFF) == 0xD8 && (h[2] & 0xFF) == 0xFF) return true;
        if (n >= 8 && (h[0] & 0xFF) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G') return true;
        if (n >= 6 && h[0] == 'G' && h[1] == 'I' && h[2] == 'F' && h[3] == '8') return true;
        if (n >= 2 && h[0] == 'B' && h[1] == 'M') return true;
        if (n >= 12 && h[0] == 'R' && h[1] == 'I' && h[2] == 'F' && h[3] == 'F' && h[8] == 'W' && h[9] == 'E' && h[10] == 'B' && h[11] == 'P') return true;
        return n >= 4 && ((h[0] == 'I' && h[1] == 'I' && h[2] == 42 && h[3] == 0) || (h[0] == 'M' && h[1] == 'M' && h[2] == 0 && h[3] == 42));
    }

    private void planned(String given, Path source, String relative) {
        try {
            items.add(new WorkItem(items.size(), given, source.getFileSystem(conf).makeQualified(source).toString(),
                    outputsFor(relative), null));
        } catch (IOException | IllegalArgumentException e) {
            failed(given, reason(e));
        }
    }

    private void plannedUrl(String given, URI url) {
        try {
            items.add(new WorkItem(items.size(), given, url.toString(), outputsFor(safeSegment(url)), null));
        } catch (IllegalArgumentException e) {
            failed(given, e.getMessage());
        }
    }

    private void failed(String given, String error) {
        items.add(new WorkItem(items.size(), given, null, List.of(), error));
    }

    /** One output per size; names unique within the job and never outside the output directory. */
    List<String> outputsFor(String rel) {
        int slash = rel.lastIndexOf('/');
        int dot = rel.lastIndexOf('.');
        String stem = dot > slash + 1 ? rel.substring(0, dot) : rel;
        String ext = (format != null ? format : sameFormat(rel)).extension();
        for (int n = 1; ; n++) {
            String base = n == 1 ? stem : stem + "~" + n;
            List<String> paths = new ArrayList<>(sizes.size());
            boolean free = true;
            for (BoxSize s : sizes) {
                String p = confine(sizes.size() == 1 ? base + "." + ext : base + "_" + s + "." + ext);
                if (taken.contains(p)) free = false;
                paths.add(p);
            }
            if (free) {
                taken.addAll(paths);
                return paths;
            }
        }
    }

    private String confine(String relative) {
        StringBuilder b = new StringBuilder();
        for (String part : relative.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) continue;
            if (!b.isEmpty()) b.append('/');
            b.append(part);
        }
        if (b.isEmpty()) throw new IllegalArgumentException("output name escapes the output directory: " + relative);
        return new Path(outDir, b.toString()).toString();
    }

    /** {@code --format same}: JPEG and WebP keep their format; everything else becomes PNG. */
    static OutputFormat sameFormat(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "jpg", "jpeg", "jpe", "jfif" -> OutputFormat.JPEG;
            case "webp" -> OutputFormat.WEBP;
            default -> OutputFormat.PNG;
        };
    }

    /** A URL's last path segment made safe for a file name, never empty (as the CLI). */
    static String safeSegment(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        String seg = path.substring(path.lastIndexOf('/') + 1);
        StringBuilder b = new StringBuilder();
        for (char c : seg.toCharArray()) b.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '-' || c == '_' ? c : '_');
        String s = b.toString().replaceAll("^\\.+", "");
        if (s.length() > 200) s = s.substring(s.length() - 200);
        return s.isEmpty() ? "image" : s;
    }

    static String reason(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
