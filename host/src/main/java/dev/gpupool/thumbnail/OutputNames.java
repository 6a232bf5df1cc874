package dev.gpupool.thumbnail;

import dev.gpupool.codec.OutputFormat;
import dev.gpupool.job.BoxSize;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Output paths: an input's path relative to where it was found, under the output directory, with the
 * output format's extension; with several sizes, {@code NAME_128.jpg}, {@code NAME_320x240.jpg}.
 * Names are unique within a batch (a later input whose name is taken gets {@code NAME~2.jpg}), and
 * never leave the output directory, whatever the input's name.
 */
final class OutputNames {
    private final Path outDir;
    private final List<BoxSize> sizes;
    private final OutputFormat format; // null: same as the input
    private final Set<String> taken = new HashSet<>();

    OutputNames(Path outDir, List<BoxSize> sizes, OutputFormat format) {
        this.outDir = outDir.toAbsolutePath().normalize();
        this.sizes = sizes;
        this.format = format;
    }

    /** The outputs of {@code input}, one per size. */
    List<Path> outputsFor(Input input) {
        String rel = input.relative();
        String stem = stripExtension(rel);
        String ext = (format != null ? format : sameFormat(rel)).extension();
        for (int n = 1; ; n++) {
            String base = n == 1 ? stem : stem + "~" + n;
            List<Path> paths = new ArrayList<>(sizes.size());
            boolean free = true;
            for (BoxSize s : sizes) {
                String name = sizes.size() == 1 ? base + "." + ext : base + "_" + s + "." + ext;
                Path p = confine(name);
                if (taken.contains(p.toString())) free = false;
                paths.add(p);
            }
            if (free) {
                paths.forEach(p -> taken.add(p.toString()));
                return paths;
            }
        }
    }

    private Path confine(String relative) {
        Path p = outDir;
        for (String part : relative.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) continue;
            p = p.resolve(part);
        }
        p = p.normalize();
        if (!p.startsWith(outDir) || p.equals(outDir)) throw new IllegalArgumentException("output name escapes the output directory: " + relative);
        // A symbolic link inside the output directory (planted, or left by someone) could lead a write
        // outside it: nothing is written through one. (The output directory itself may be a link.)
        for (Path q = p; !q.equals(outDir); q = q.getParent()) {
            if (Files.isSymbolicLink(q)) {
                throw new IllegalArgumentException("output path goes through a symbolic link: " + outDir.relativize(q));
            }
        }
        return p;
    }

    private static String stripExtension(String rel) {
        int slash = rel.lastIndexOf('/');
        int dot = rel.lastIndexOf('.');
        return dot > slash + 1 ? rel.substring(0, dot) : rel;
    }

    /** {@code --format same}: JPEG and WebP inputs keep their format; everything else becomes PNG. */
    static OutputFormat sameFormat(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "jpg", "jpeg", "jpe", "jfif" -> OutputFormat.JPEG;
            case "webp" -> OutputFormat.WEBP;
            default -> OutputFormat.PNG;
        };
    }

    /** A URL's last path segment, made safe for a file name (letters, digits, '.', '-', '_'), never empty. */
    static String safeSegment(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        int slash = path.lastIndexOf('/');
        String seg = path.substring(slash + 1);
        StringBuilder b = new StringBuilder();
        for (char c : seg.toCharArray()) b.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '-' || c == '_' ? c : '_');
        String s = b.toString().replaceAll("^\\.+", "");
        if (s.length() > 200) s = s.substring(s.length() - 200);
        return s.isEmpty() ? "image" : s;
    }
}
