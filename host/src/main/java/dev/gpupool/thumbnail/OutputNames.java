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
 *       {@link BoxSize#toString()} writes it ({@code 128}, {@code 320x240}, {@code 256x}, {@code x256}:
 *       a pure function of the size, the same as the report's {@code size});</li>
 *   <li>confined ({@link #confine}): empty, {@code .} and {@code ..} segments are dropped, so no name
 *       leaves the output directory, whatever the input's name; a name with nothing left is refused
 *       ({@link IllegalArgumentException});</li>
 *   <li>unique, and decided by the input itself, never by its place in the batch, so a rerun always finds
 *       an input's own outputs: an input gets the plain name unless another input of this batch took it first, or (for a local
 *       directory) the file there was made from another input (its {@code user.gpupool} mark says which,
 *       {@link OutputMarks}); then its stem becomes {@code STEM~HHHHHHHH}, eight hex digits of the SHA-256 of
 *       the input's {@linkplain #identity identity} (its absolute path, or its URL), which no other input
 *       shares. An input's names are taken together. So {@code A/photo.jpg} and {@code B/photo.jpg} give
 *       {@code photo.jpg} and {@code photo~HHHHHHHH.jpg} (B's own digits), and a later run of
 *       {@code B/photo.jpg} alone finds {@code photo.jpg} made from A and its own {@code photo~HHHHHHHH.jpg}
 *       (a batch-dependent {@code ~2} once kept A's thumbnail as B's). Once an input's output exists, every
 *       later run into that directory gives it the same name; only in a fresh directory does the order of
 *       the first batch decide which of two same-named inputs gets the plain name.</li>
 * </ul>
 * {@link #outputsFor(Input)} places the names in a local output directory and also refuses a path
 * that goes through a symbolic link under it; {@link #outputsFor(String, String, Function)} lets a caller place
 * them elsewhere (a Hadoop file system, for gpupool on Spark). Not thread-safe.
 */
public final class OutputNames {
    private final Path outDir; // null: names only, placed by the caller
    private final List<BoxSize> sizes;
    private final OutputFormat format; // null: same as the input
    private final List<String> pattern; // literals, and the placeholders NAME, SIZE, EXT
    private final boolean template;
    private final Set<String> taken = new HashSet<>();

    // Placeholders in a pattern (compared by identity, so a literal "{name}" can never be taken for one).
    private static final String NAME = new String("{name}"), SIZE = new String("{size}"), EXT = new String("{ext}");

    /**
     * Names placed under a local directory.
     *
     * @param outDir the output directory (made absolute and normalised)
     * @param sizes  the batch's boxes, at least one
     * @param format the output format, or null to keep each input's ({@link #sameFormat})
     */
    public OutputNames(Path outDir, List<BoxSize> sizes, OutputFormat format) {
        this(outDir.toAbsolutePath().normalize(), sizes, format, directoryPattern(sizes), false);
    }

    /** Names only, for {@link #outputsFor(String, String, Function)}; {@link #outputsFor(Input)} is refused. */
    public OutputNames(List<BoxSize> sizes, OutputFormat format) {
        this(null, sizes, format, directoryPattern(sizes), false);
    }

    private OutputNames(Path outDir, List<BoxSize> sizes, OutputFormat format, List<String> pattern, boolean template) {
        this.outDir = outDir;
        this.sizes = List.copyOf(sizes);
        this.format = format;
        this.pattern = pattern;
        this.template = template;
    }

    /** {@code NAME.EXT}, or {@code NAME_SIZE.EXT} for several sizes. */
    private static List<String> directoryPattern(List<BoxSize> sizes) {
        return sizes.size() == 1 ? List.of(NAME, ".", EXT) : List.of(NAME, "_", SIZE, ".", EXT);
    }

    /** True when {@code -o}'s value is a name template rather than a directory: it contains {@code %s} or '{'. */
    public static boolean isTemplate(String out) {
        return out.contains("%s") || out.contains("{");
    }

    /**
     * Names made by a template ({@code -o tn_%s.jpg}, {@code -o thumbs/{name}_{size}.{ext}}), relative to
     * the current directory or absolute:
     * <ul>
     *   <li>{@code %s} and {@code {name}} are the input's relative name (as in the class comment) without its
     *       extension, so a directory's tree is mirrored; {@code {size}} is the size ({@code 128},
     *       {@code 320x240}); {@code {ext}} the output format's extension. Any other {@code {...}} is
     *       refused, as is a template without {@code %s} or {@code {name}} (every input would get the same
     *       name);</li>
     *   <li>the template's last segment decides the format when it ends in a literal {@code .jpg},
     *       {@code .jpeg}, {@code .png} or {@code .webp} ({@link #templateFormat}); one ending in another
     *       image extension ({@code .tif}, {@code .gif}, ...) is refused; otherwise {@code .{ext}} is added;</li>
     *   <li>several sizes and no {@code {size}}: {@code _{size}} goes before the extension, as in a directory
     *       ({@code tn_a_128.jpg});</li>
     *   <li>the directories before the first placeholder's segment are the names' root, used as given
     *       ({@code ../thumbs/%s.jpg} writes into {@code ../thumbs}); what the placeholders make is
     *       {@linkplain #confine confined} under it, so no input's name (a list's {@code ../../x.jpg}) can lead
     *       a write elsewhere, and no write goes through a symbolic link under it; uniqueness
     *       ({@code ~HHHHHHHH}) applies to the name.</li>
     * </ul>
     *
     * @throws IllegalArgumentException a template that breaks these rules, with a message naming {@code -o}
     */
    public static OutputNames template(String template, List<BoxSize> sizes, OutputFormat format) {
        if (!isTemplate(template)) throw new IllegalArgumentException("-o " + template + " is not a template (no %s or {...})");
        int first = firstPlaceholder(template);
        int slash = template.lastIndexOf('/', first);
        Path root = Path.of(slash < 0 ? "." : slash == 0 ? "/" : template.substring(0, slash));
        String rest = template.substring(slash + 1);
        List<String> parts = tokens(rest, template);
        if (!parts.contains(NAME)) {
            throw new IllegalArgumentException("-o " + template + ": a template needs %s or {name}, or every input gets the same name");
        }
        String last = rest.substring(rest.lastIndexOf('/') + 1);
        if (!last.contains("{ext}") && templateFormat(template) == null) {
            int dot = last.lastIndexOf('.');
            String ext = dot < 0 ? "" : last.substring(dot + 1);
            if (InputScanner.IMAGE_EXTENSIONS.contains(ext.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("-o " + template + ": gpupool writes .jpg, .png or .webp, not ." + ext);
            }
            parts = new ArrayList<>(parts);
            parts.addAll(List.of(".", EXT));
        }
        if (sizes.size() > 1 && !parts.contains(SIZE)) {
            // before the extension: the last "." among the last segment's literals
            parts = new ArrayList<>(parts);
            boolean placed = false;
            for (int i = parts.size() - 1; i >= 0 && !placed; i--) {
                String p = parts.get(i);
                if (isPlaceholder(p)) continue;
                int dot = p.lastIndexOf('.');
                if (dot > p.lastIndexOf('/')) {
                    parts.remove(i);
                    List<String> split = new ArrayList<>(List.of(p.substring(0, dot), "_", SIZE, p.substring(dot)));
                    split.removeIf(String::isEmpty);
                    parts.addAll(i, split);
                    placed = true;
                } else if (p.contains("/")) {
                    break; // the last segment has no literal extension
                }
            }
            if (!placed) parts.addAll(List.of("_", SIZE));
        }
        return new OutputNames(root.toAbsolutePath().normalize(), sizes, format, List.copyOf(parts), true);
    }

    /**
     * The format a template's literal extension names ({@code tn_%s.jpg}: JPEG), or null when it has none
     * (or writes {@code {ext}}), or when {@code out} is not a template.
     */
    public static OutputFormat templateFormat(String out) {
        if (!isTemplate(out)) return null;
        String last = out.substring(out.lastIndexOf('/') + 1);
        if (last.contains("{ext}")) return null;
        int dot = last.lastIndexOf('.');
        if (dot < 0) return null;
        String ext = last.substring(dot + 1);
        if (ext.contains("{") || ext.contains("%s")) return null;
        return switch (ext.toLowerCase(Locale.ROOT)) {
            case "jpg", "jpeg" -> OutputFormat.JPEG;
            case "png" -> OutputFormat.PNG;
            case "webp" -> OutputFormat.WEBP;
            case "avif" -> OutputFormat.AVIF;
            default -> null;
        };
    }

    private static int firstPlaceholder(String t) {
        int a = t.indexOf("%s"), b = t.indexOf('{');
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    private static boolean isPlaceholder(String part) {
        return part == NAME || part == SIZE || part == EXT;
    }

    private static List<String> tokens(String rest, String template) {
        List<String> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        for (int i = 0; i < rest.length(); ) {
            String ph = null;
            int next = i;
            if (rest.startsWith("%s", i)) {
                ph = NAME;
                next = i + 2;
            } else if (rest.charAt(i) == '{') {
                int close = rest.indexOf('}', i);
                if (close < 0) throw new IllegalArgumentException("-o " + template + ": a '{' without '}' (placeholders: %s, {name}, {size}, {ext})");
                ph = switch (rest.substring(i, close + 1)) {
                    case "{name}" -> NAME;
                    case "{size}" -> SIZE;
                    case "{ext}" -> EXT;
                    default -> throw new IllegalArgumentException("-o " + template + ": unknown placeholder " + rest.substring(i, close + 1)
                            + " (placeholders: %s, {name}, {size}, {ext})");
                };
                next = close + 1;
            }
            if (ph == null) {
                lit.append(rest.charAt(i++));
                continue;
            }
            if (!lit.isEmpty()) parts.add(lit.toString());
            lit.setLength(0);
            parts.add(ph);
            i = next;
        }
        if (!lit.isEmpty()) parts.add(lit.toString());
        return parts;
    }

    /**
     * Refuses an output directory that is (by real path) one of the directories given as inputs: outputs
     * keep their input's name, so thumbnails would land on the originals. (Any single output that would
     * land on an input is refused by the batch, even with {@code --overwrite}.)
     *
     * @throws IllegalArgumentException {@code outDir} is an input directory
     */
    public static void refuseInputDirectory(List<String> inputs, Path outDir) {
        Path out;
        try {
            out = outDir.toRealPath();
        } catch (java.io.IOException | SecurityException e) {
            return; // not there yet: it is no input's directory
        }
        for (String a : inputs) {
            if (a.equals("-") || a.startsWith("@") || a.contains("://")) continue;
            try {
                Path p = Path.of(a);
                if (Files.isDirectory(p) && p.toRealPath().equals(out)) {
                    throw new IllegalArgumentException("-o " + outDir + " is the input directory " + a
                            + ": the thumbnails would replace the originals; give another directory");
                }
            } catch (java.io.IOException | java.nio.file.InvalidPathException | SecurityException ignored) {
                // not a directory that can be resolved: not this one
            }
        }
    }

    /** Where the names are placed: the output directory, or a template's root; null when names only. */
    public Path root() {
        return outDir;
    }

    /** True when the names come from a template ({@link #template}). */
    public boolean isTemplate() {
        return template;
    }

    /**
     * The outputs of {@code input}, one per size, under the output directory.
     *
     * @throws IllegalArgumentException a name with nothing left once confined, or a path through a
     *                                  symbolic link under the output directory (the directory itself may be one)
     * @throws IllegalStateException    this instance names only
     */
    public List<Path> outputsFor(Input input) {
        if (outDir == null) throw new IllegalStateException("no output directory: use outputsFor(relative, identity, place)");
        String identity = identity(input);
        return outputsFor(input.relative(), identity, this::placeLocally, p -> OutputMarks.madeFromAnother(p, identity));
    }

    /**
     * The outputs of an input whose relative name is {@code relative} and whose {@linkplain #identity
     * identity} is {@code identity}, one per size, each the {@linkplain #confine confined} name (as the
     * class comment says) given to {@code place}, which turns it into the output's location (and may refuse
     * it by throwing). Uniqueness is that of the confined names, so {@code place} must give distinct names
     * distinct locations.
     */
    public <T> List<T> outputsFor(String relative, String identity, Function<String, T> place) {
        return outputsFor(relative, identity, place, t -> false);
    }

    /** As above; {@code otherInputs} tells a location that holds an output made from another input. */
    private <T> List<T> outputsFor(String relative, String identity, Function<String, T> place, java.util.function.Predicate<T> otherInputs) {
        String stem = stripExtension(relative);
        String ext = (format != null ? format : sameFormat(relative)).extension();
        String hash = sha256(identity);
        // the plain stem, then the input's own: 8 hex digits, or more in the unheard-of case they collide
        for (int digits : new int[]{0, 8, 16, 64}) {
            String base = digits == 0 ? stem : stem + "~" + hash.substring(0, digits);
            List<String> names = new ArrayList<>(sizes.size());
            List<T> placed = new ArrayList<>(sizes.size());
            boolean free = true;
            for (BoxSize s : sizes) {
                String name = confine(render(base, s, ext));
                T where = place.apply(name);
                if (taken.contains(name) || otherInputs.test(where)) free = false;
                placed.add(where);
                names.add(name);
            }
            if (free) {
                taken.addAll(names);
                return placed;
            }
        }
        throw new IllegalArgumentException("no free output name for " + relative + ": every candidate holds another input's output");
    }

    /**
     * What tells an input from every other, whatever batch it is in: a file's absolute, normalised path
     * (not its real path, so a symbolic link to a dated directory keeps its outputs' names); a URL as given;
     * {@code -} for standard input.
     */
    public static String identity(Input input) {
        if (input.file() != null) return identity(input.file());
        if (input.url() != null) return input.url().toString();
        return "-";
    }

    /** A local file's identity: its absolute, normalised path. */
    public static String identity(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }

    /** The eight hex digits of {@code STEM~HHHHHHHH} for an input of this {@linkplain #identity identity}. */
    public static String tag(String identity) {
        return sha256(identity).substring(0, 8);
    }

    private static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * The pattern with {@code stem}'s last segment for each name placeholder, and its directories (those of
     * a file found in a walked directory) at the start of the first name placeholder's segment:
     * {@code tn_%s.jpg} makes {@code sub/tn_b.jpg} of {@code sub/b}, as {@code {name}.{ext}} makes
     * {@code sub/b.jpg}.
     */
    private String render(String stem, BoxSize size, String ext) {
        int slash = stem.lastIndexOf('/');
        String dirs = stem.substring(0, slash + 1), name = stem.substring(slash + 1);
        StringBuilder b = new StringBuilder();
        int insertAt = -1;
        for (String p : pattern) {
            if (p == NAME && insertAt < 0) insertAt = b.lastIndexOf("/") + 1;
            b.append(p == NAME ? name : p == SIZE ? size.toString() : p == EXT ? ext : p);
        }
        return b.insert(insertAt, dirs).toString();
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
