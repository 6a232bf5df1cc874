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
import java.util.function.Function;

/**
 * Names a batch's outputs. The rules, for an input whose {@link Input#relative() relative} name is
 * {@code REL} (its '/'-separated path relative to where it was found, or a URL's {@link #safeSegment}):
 * <ul>
 *   <li>the stem is {@code REL} without its extension (the part after the last '.' of the last segment,
 *       unless that '.' starts the segment); the extension is the output format's
 *       ({@link OutputFormat#extension()}), or with no format ("same") that of {@link #sameFormat}{@code (REL)};</li>
 *   <li>one size: {@code STEM.EXT}; several: {@code STEM_SIZE.EXT} for each, in the sizes' order, SIZE as
 *       {@link BoxSize#toString()} writes it ({@code 128}, {@code 320x240});</li>
 *   <li>confined ({@link #confine}): empty, {@code .} and {@code ..} segments are dropped, so no name
 *       leaves the output directory, whatever the input's name; a name with nothing left is refused
 *       ({@link IllegalArgumentException});</li>
 *   <li>unique within this instance (one instance per batch): when any of an input's names was already
 *       given to an earlier input, the stem becomes {@code STEM~2}, then {@code STEM~3}, ... until all of
 *       them are free; an input's names are taken together.</li>
 * </ul>
 * {@link #outputsFor(Input)} places the names in a local output directory and also refuses a path
 * that goes through a symbolic link under it; {@link #outputsFor(String, Function)} lets a caller place
 * them elsewhere (a Hadoop file system, for gpupool on Spark). Not thread-safe.
 */
public final class OutputNames {
    private final Path outDir; // null: names only, placed by the caller
    private final List<BoxSize> sizes;
    private final OutputFormat format; // null: same as the input
    private final Set<String> taken = new HashSet<>();

    /**
     * Names placed under a local directory.
     *
     * @param outDir the output directory (made absolute and normalised)
     * @param sizes  the batch's boxes, at least one
     * @param format the output format, or null to keep each input's ({@link #sameFormat})
     */
    public OutputNames(Path outDir, List<BoxSize> sizes, OutputFormat format) {
        this.outDir = outDir.toAbsolutePath().normalize();
        this.sizes = List.copyOf(sizes);
        this.format = format;
    }

    /** Names only, for {@link #outputsFor(String, Function)}; {@link #outputsFor(Input)} is refused. */
    public OutputNames(List<BoxSize> sizes, OutputFormat format) {
        this.outDir = null;
        this.sizes = List.copyOf(sizes);
        this.format = format;
    }

    /**
     * The outputs of {@code input}, one per size, under the output directory.
     *
     * @throws IllegalArgumentException a name with nothing left once confined, or a path through a
     *                                  symbolic link under the output directory (the directory itself may be one)
     * @throws IllegalStateException    this instance names only
     */
    public List<Path> outputsFor(Input input) {
        if (outDir == null) throw new IllegalStateException("no output directory: use outputsFor(relative, place)");
        return outputsFor(input.relative(), this::placeLocally);
    }

    /**
     * The outputs of an input whose relative name is {@code relative}, one per size, each the
     * {@linkplain #confine confined} name (as the class comment says) given to {@code place}, which turns it
     * into the output's location (and may refuse it by throwing). Uniqueness is that of the confined
     * names, so {@code place} must give distinct names distinct locations.
     */
    public <T> List<T> outputsFor(String relative, Function<String, T> place) {
        String stem = stripExtension(relative);
        String ext = (format != null ? format : sameFormat(relative)).extension();
        for (int n = 1; ; n++) {
            String base = n == 1 ? stem : stem + "~" + n;
            List<String> names = new ArrayList<>(sizes.size());
            List<T> placed = new ArrayList<>(sizes.size());
            boolean free = true;
            for (BoxSize s : sizes) {
                String name = confine(sizes.size() == 1 ? base + "." + ext : base + "_" + s + "." + ext);
                placed.add(place.apply(name));
                if (taken.contains(name)) free = false;
                names.add(name);
            }
            if (free) {
                taken.addAll(names);
                return placed;
            }
        }
    }

    /**
     * {@code relative} ('/'-separated) without empty, {@code .} and {@code ..} segments: a name that
     * cannot leave the directory it is resolved against.
     *
     * @throws IllegalArgumentException nothing is left
     */
    public static String confine(String relative) {
        StringBuilder b = new StringBuilder();
        for (String part : relative.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) continue;
            if (!b.isEmpty()) b.append('/');
            b.append(part);
        }
        if (b.isEmpty()) throw new IllegalArgumentException("output name escapes the output directory: " + relative);
        return b.toString();
    }

    private Path placeLocally(String name) {
        Path p = outDir;
        for (String part : name.split("/")) p = p.resolve(part);
        p = p.normalize();
        if (!p.startsWith(outDir) || p.equals(outDir)) throw new IllegalArgumentException("output name escapes the output directory: " + name);
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

    /**
     * {@code --format same}, by the name's extension (case-insensitive): {@code jpg jpeg jpe jfif} stay
     * JPEG, {@code webp} stays WebP, everything else becomes PNG.
     */
    public static OutputFormat sameFormat(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "jpg", "jpeg", "jpe", "jfif" -> OutputFormat.JPEG;
            case "webp" -> OutputFormat.WEBP;
            default -> OutputFormat.PNG;
        };
    }

    /**
     * A URL's last path segment made safe for a file name: every character other than an ASCII letter or
     * digit, '.', '-' and '_' becomes '_', leading dots are dropped, only the last 200 characters are
     * kept, and an empty result is {@code image}. (So it never contains '/' and never is {@code .} or {@code ..}.)
     */
    public static String safeSegment(URI uri) {
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
