package dev.gpupool.input;

import dev.gpupool.input.InputSource.Entry;
import dev.gpupool.input.InputSource.Kind;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Expands INPUTs into a batch's inputs, in order, with the same rules on every {@link InputSource} (so the CLI
 * and the Spark job accept, refuse and name the same inputs):
 * <ul>
 *   <li>a file (or anything that is not a directory) named explicitly is always an input; its relative
 *       name is its own name;</li>
 *   <li>a directory is walked recursively, sorted by relative name; a file there is an input when its name
 *       has an image extension or its first bytes are an image's ({@link ImageFiles}); names that are
 *       {@linkplain ImageFiles#passedOver hidden or temporary} are passed over, files and directories; the
 *       output directory is never walked into however it is reached (compared by {@linkplain
 *       InputSource#identity real identity}: a symbolic link, a bind mount, {@code ..}); a directory that is
 *       one of its own ancestors is a failed input ({@code symbolic link loop, not followed}), as is one that
 *       cannot be read;</li>
 *   <li>a location that does not exist and holds <code>* ? [ &#123;</code> is a glob: each segment matched on names
 *       ({@code *} and {@code ?} do not match a leading '.', as in a shell), sorted; matched directories
 *       are walked; relative names are taken from the glob's last directory without a wildcard, so
 *       {@code photos/*}{@code /x.jpg} gives {@code a/x.jpg} and {@code b/x.jpg}; no match fails the INPUT;</li>
 *   <li>{@code http(s)://} URLs are inputs (fetched later); {@code -} is one image from standard input (where
 *       allowed); {@code @FILE} a list, one INPUT a line (see {@link #readList}); any other argument goes to
 *       the router, which names the source it is read from.</li>
 * </ul>
 * Not thread-safe; one instance per batch.
 */
public final class InputExpander {
    /** The most a list ({@code @FILE}) may hold: 64 MiB, and 64 KiB on one line. */
    public static final long MAX_LIST_BYTES = 64L << 20;
    public static final int MAX_LINE_BYTES = 64 << 10;

    /**
     * One input found.
     *
     * @param given    how to name it in messages and the report
     * @param source   where it is read from, with {@code entry}; null for a URL, standard input or a failed input
     * @param url      the http(s) URL, or null
     * @param relative its path relative to the directory it was found in ('/'-separated); null for a URL and
     *                 for standard input (whose name comes from its bytes: {@code bytes})
     * @param error    why it cannot be an input at all, else null
     * @param bytes    standard input's content, else null
     */
    public record Found(String given, InputSource source, Entry entry, URI url, String relative, String error, byte[] bytes) {
        static Found failed(String given, String relative, String error) {
            return new Found(given, null, null, null, relative, error, null);
        }
    }

    /** Where a path argument is read: a source and the location on it, or why it cannot be. */
    public record Route(InputSource source, String location, String error) {
        public static Route refused(String error) {
            return new Route(null, null, error);
        }
    }

    private final Function<String, Route> router;
    private final Set<String> outputs;
    private final InputStream stdin;
    private final long maxStdinBytes;
    private final String stdinRefusal;
    private String stdinReadBy; // the argument that read standard input, once it has

    /**
     * @param router         the source of every argument that is not a URL, a list or {@code -}
     * @param outputIdentity the output directory's {@linkplain InputSource#identity identity}, never walked into; null for none
     * @param stdin          read by {@code @-} and {@code -}, once at most
     * @param maxStdinBytes  the most {@code -} reads
     * @param stdinRefusal   null when {@code -} is an image from {@code stdin}; else why it cannot be
     */
    public InputExpander(Function<String, Route> router, String outputIdentity, InputStream stdin, long maxStdinBytes, String stdinRefusal) {
        this.router = router;
        this.outputs = outputIdentity == null ? Set.of() : Set.of(outputIdentity);
        this.stdin = stdin;
        this.maxStdinBytes = maxStdinBytes;
        this.stdinRefusal = stdinRefusal;
    }

    public List<Found> expand(List<String> args) {
        List<Found> out = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("@")) readList(a, out, MAX_LIST_BYTES, MAX_LINE_BYTES);
            else add(a, out);
        }
        return out;
    }

    /**
     * The scheme of {@code arg} in lower case when it is a URI ({@code scheme://...}, or {@code file:/...}),
     * else null (a path).
     */
    public static String scheme(String arg) {
        int colon = arg.indexOf(':');
        if (colon <= 0 || !arg.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) return null;
        String s = arg.substring(0, colon).toLowerCase(Locale.ROOT);
        return arg.startsWith("://", colon) || s.equals("file") && arg.startsWith(":/", colon) ? s : null;
    }

    /**
     * Reads a list, one INPUT a line (UTF-8; a trailing CR is dropped with the rest of the surrounding
     * blanks; blank lines and lines starting with {@code #} are ignored; a line is only ever an INPUT),
     * bounded: a list larger than {@code maxBytes}, a line longer than {@code maxLine} bytes, or a device
     * (such as {@code /dev/zero}, which never ends) fails as one input with the reason, instead of hanging
     * or filling memory. Regular files and pipes ({@code @<(find ...)}) are read, on any source.
     */
    public void readList(String arg, List<Found> out, long maxBytes, int maxLine) {
        String name = arg.substring(1);
        List<String> lines = new ArrayList<>();
        try (InputStream in = name.equals("-") ? stdinOnce(arg) : openList(name)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
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
        } catch (IOException | RuntimeException e) {
            out.add(Found.failed(arg, null, "cannot read the input list: " + LocalSource.reason(e)));
            return;
        }
        for (String l : lines) {
            String t = l.strip();
            if (!t.isEmpty() && !t.startsWith("#")) add(t, out);
        }
    }

    private static String decode(ByteArrayOutputStream line) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(line.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8 text");
        }
    }

    /** A list to read: a regular file or a pipe; a directory, a device or a socket is refused. */
    private InputStream openList(String name) throws IOException {
        Route r = router.apply(name);
        if (r.error() != null) throw new IOException(r.error());
        Entry e = r.source().stat(r.location());
        return switch (e.kind()) {
            case FILE, PIPE -> r.source().open(e);
            case DIRECTORY -> throw new IOException("is a directory");
            case OTHER -> throw new IOException(e.problem() != null ? e.problem() : "not a regular file or a pipe");
            case MISSING -> throw new IOException(e.problem() != null ? e.problem() : "no such file");
        };
    }

    /** Standard input for {@code arg}, which may be read once per batch (by {@code -} or {@code @-}); not closed after. */
    private InputStream stdinOnce(String arg) throws IOException {
        if (stdinReadBy != null) throw new IOException("standard input was already read for " + stdinReadBy);
        stdinReadBy = arg;
        return new FilterInputStream(stdin) {
            @Override
            public void close() {
            }
        };
    }

    private void add(String arg, List<Found> out) {
        if (arg.equals("-")) {
            addStdin(out);
            return;
        }
        String scheme = scheme(arg);
        if ("http".equals(scheme) || "https".equals(scheme)) {
            addUrl(arg, out);
            return;
        }
        Route r;
        try {
            r = router.apply(arg);
        } catch (RuntimeException e) {
            r = Route.refused(LocalSource.reason(e));
        }
        if (r.error() != null) out.add(Found.failed(arg, null, r.error()));
        else addPath(arg, r.source(), r.location(), out);
    }

    /** The INPUT {@code -}: one image read whole from standard input; its relative name is left to its bytes. */
    private void addStdin(List<Found> out) {
        if (stdinRefusal != null) {
            out.add(Found.failed("-", null, stdinRefusal));
            return;
        }
        byte[] data;
        try (InputStream in = stdinOnce("-")) {
            data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxStdinBytes + 1));
        } catch (IOException e) {
            out.add(Found.failed("-", null, "cannot read standard input: " + LocalSource.reason(e)));
            return;
        }
        if (data.length > maxStdinBytes) out.add(Found.failed("-", null, "standard input is larger than " + maxStdinBytes + " bytes"));
        else if (data.length == 0) out.add(Found.failed("-", null, "standard input is empty"));
        else out.add(new Found("-", null, null, null, "stdin" + ImageFiles.sniffedExtension(data), null, data));
    }

    private static void addUrl(String arg, List<Found> out) {
        URI uri;
        try {
            uri = new URI(arg);
        } catch (URISyntaxException e) {
            out.add(Found.failed(arg, null, "not a valid URL: " + e.getReason()));
            return;
        }
        if (uri.getHost() == null) out.add(Found.failed(arg, null, "URL has no host"));
        else out.add(new Found(arg, null, null, uri, null, null, null));
    }

    private void addPath(String given, InputSource src, String location, List<Found> out) {
        Entry e = src.stat(location);
        switch (e.kind()) {
            case DIRECTORY -> {
                List<Found> found = new ArrayList<>();
                Set<String> ancestors = new HashSet<>();
                String id = src.identity(e);
                if (id != null) ancestors.add(id);
                walk(src, e, given, "", ancestors, found);
                sortAndAdd(found, out);
            }
            case FILE, PIPE, OTHER -> out.add(new Found(given, src, e, null, e.name(), null, null));
            case MISSING -> {
                if (isGlob(location)) glob(given, src, location, out);
                else out.add(Found.failed(given, null, e.problem() != null ? e.problem() : "no such file or directory"));
            }
        }
    }

    private static void sortAndAdd(List<Found> found, List<Found> out) {
        found.sort(Comparator.comparing(Found::relative));
        out.addAll(found);
    }

    /** {@code root} + '/' + {@code rel}, without doubling a '/' the user gave. */
    private static String join(String root, String rel) {
        if (rel.isEmpty()) return root;
        return root.isEmpty() || root.endsWith("/") ? root + rel : root + "/" + rel;
    }

    /**
     * Adds the inputs under {@code dir}, whose path relative to the walk's root is {@code rel} ({@code ""} or
     * ending in '/'); {@code ancestors} holds the identities of the directories from the root to {@code dir}.
     */
    private void walk(InputSource src, Entry dir, String givenRoot, String rel, Set<String> ancestors, List<Found> out) {
        List<Entry> children;
        try {
            children = src.list(dir);
        } catch (IOException | RuntimeException e) {
            String r = rel.isEmpty() ? "" : rel.substring(0, rel.length() - 1);
            out.add(Found.failed(join(givenRoot, r), r, "cannot read: " + LocalSource.reason(e)));
            return;
        }
        for (Entry c : children) {
            String name = c.name();
            if (ImageFiles.passedOver(name)) continue;
            String r = rel + name;
            String given = join(givenRoot, r);
            switch (c.kind()) {
                case DIRECTORY -> {
                    String id = src.identity(c);
                    if (id != null && outputs.contains(id)) continue; // never the outputs, however reached
                    if (id != null && !ancestors.add(id)) {
                        out.add(Found.failed(given, r, "symbolic link loop, not followed"));
                        continue;
                    }
                    walk(src, c, givenRoot, r + "/", ancestors, out);
                    if (id != null) ancestors.remove(id);
                }
                case FILE -> {
                    if (ImageFiles.hasImageExtension(name) || sniff(src, c)) out.add(new Found(given, src, c, null, r, null, null));
                }
                // A FIFO, device or broken link named like an image: an input, and reading it says why it fails.
                case PIPE, OTHER -> {
                    if (ImageFiles.hasImageExtension(name)) {
                        out.add(c.problem() == null ? new Found(given, src, c, null, r, null, null)
                                : Found.failed(given, r, "cannot read: " + c.problem()));
                    }
                }
                case MISSING -> { // gone while walking, or cannot be looked at
                    if (ImageFiles.hasImageExtension(name)) {
                        out.add(Found.failed(given, r, "cannot read: " + (c.problem() != null ? c.problem() : "no such file")));
                    }
                }
            }
        }
    }

    private static boolean sniff(InputSource src, Entry f) {
        byte[] h = new byte[ImageFiles.MAGIC_LENGTH];
        try (InputStream in = src.open(f)) {
            return ImageFiles.looksLikeImage(h, in.readNBytes(h, 0, h.length));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** True when {@code s} holds a wildcard of a glob: <code>* ? [ &#123;</code>. */
    public static boolean isGlob(String s) {
        return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    private void glob(String given, InputSource src, String location, List<Found> out) {
        int cut = location.lastIndexOf('/', firstWildcard(location));
        int givenCut = given.lastIndexOf('/', firstWildcard(given));
        String base = cut < 0 ? "" : location.substring(0, cut + 1);
        String givenBase = givenCut < 0 ? "" : given.substring(0, givenCut + 1);
        List<String> segments = new ArrayList<>();
        for (String s : location.substring(cut + 1).split("/")) {
            if (s.isEmpty()) continue;
            try {
                if (isGlob(s)) FileSystems.getDefault().getPathMatcher("glob:" + s);
            } catch (java.util.regex.PatternSyntaxException e) {
                out.add(Found.failed(given, null, "not a valid glob: " + e.getDescription()));
                return;
            }
            segments.add(s);
        }
        Entry dir = src.stat(base.isEmpty() ? "." : base);
        List<Found> found = new ArrayList<>();
        if (dir.kind() == Kind.DIRECTORY && !segments.isEmpty()) {
            Set<String> ancestors = new HashSet<>();
            String id = src.identity(dir);
            if (id != null) ancestors.add(id);
            match(src, dir, givenBase, "", segments, 0, ancestors, found);
        }
        if (found.isEmpty()) out.add(Found.failed(given, null, "no file matches"));
        else sortAndAdd(found, out);
    }

    private void match(InputSource src, Entry dir, String givenBase, String rel, List<String> segments, int i,
                       Set<String> ancestors, List<Found> out) {
        String segment = segments.get(i);
        boolean last = i == segments.size() - 1;
        List<Entry> children;
        try {
            children = src.list(dir);
        } catch (IOException | RuntimeException e) {
            return; // a directory the glob cannot see into matches nothing there
        }
        PathMatcher m = isGlob(segment) ? FileSystems.getDefault().getPathMatcher("glob:" + segment) : null; // checked by glob()
        for (Entry c : children) {
            String name = c.name();
            boolean matches = m == null ? name.equals(segment)
                    : !(name.startsWith(".") && !segment.startsWith(".")) && !ImageFiles.passedOver(name) && matchesName(m, name);
            if (!matches) continue;
            String r = rel + name;
            if (c.kind() == Kind.DIRECTORY) {
                String id = src.identity(c);
                if (id != null && outputs.contains(id)) continue;
                if (id != null && !ancestors.add(id)) continue; // a loop: the walk of a match reports it
                if (last) walk(src, c, givenBase, r + "/", ancestors, out);
                else match(src, c, givenBase, r + "/", segments, i + 1, ancestors, out);
                if (id != null) ancestors.remove(id);
            } else if (last) {
                out.add(c.kind() == Kind.MISSING ? Found.failed(givenBase + r, r, "cannot read: " + (c.problem() != null ? c.problem() : "no such file"))
                        : new Found(givenBase + r, src, c, null, r, null, null));
            }
        }
    }

    private static boolean matchesName(PathMatcher m, String name) {
        try {
            return m.matches(Path.of(name));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private static int firstWildcard(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') return i;
        }
        return s.length();
    }
}
