package dev.gpupool.thumbnail;

import dev.gpupool.input.ImageFiles;
import dev.gpupool.input.InputExpander;
import dev.gpupool.input.InputSource;
import dev.gpupool.input.InputSources;
import dev.gpupool.input.LocalSource;
import dev.gpupool.input.SourceFile;

import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The CLI's inputs: expands the command line's INPUTs with the one input layer ({@link InputExpander}, the
 * rules the Spark job follows too: files, directories walked sorted, globs, hidden and temporary files passed
 * over, the output directory never walked into however it is reached, {@code @FILE} lists, http(s) URLs)
 * and routes each path: plain paths and {@code file:} URLs to the local file system, other schemes
 * ({@code hdfs://}, {@code s3a://}) to a source found on the class path ({@link InputSources}: Hadoop's, from
 * gpupool-spark.jar) or, without one, a failed input saying what to add. {@code -} is one image read from
 * standard input; standard input is read once at most, by the first of {@code -} and {@code @-}.
 */
public final class InputScanner {
    static final Set<String> IMAGE_EXTENSIONS = ImageFiles.IMAGE_EXTENSIONS;

    /** The most read from standard input for the INPUT {@code -}: as much as a URL's body. */
    static final long MAX_STDIN_BYTES = HttpFetcher.DEFAULT_MAX_BYTES;

    /** The most a list ({@code @FILE}) may hold: 64 MiB, and 64 KiB on one line. */
    static final long MAX_LIST_BYTES = InputExpander.MAX_LIST_BYTES;
    static final int MAX_LINE_BYTES = InputExpander.MAX_LINE_BYTES;

    /** How many first bytes of a file {@link #looksLikeImage(byte[], int)} needs to see (18: a BMP's info header size). */
    public static final int MAGIC_LENGTH = ImageFiles.MAGIC_LENGTH;

    private final InputExpander expander;

    /** @param outputDir never walked into, however reached (so a rerun does not take its own outputs as inputs) */
    public InputScanner(Path outputDir, InputStream stdin) {
        String out = outputDir == null ? null : LocalSource.identityOf(outputDir.toAbsolutePath().normalize());
        this.expander = new InputExpander(InputScanner::route, out, stdin, MAX_STDIN_BYTES, null);
    }

    public List<Input> scan(List<String> args) {
        return toInputs(expander.expand(args));
    }

    /** {@link InputExpander#readList}, for the CLI: a list's lines are only ever INPUTs, and it is bounded. */
    void readList(String arg, List<Input> out, long maxBytes, int maxLine) {
        List<InputExpander.Found> found = new ArrayList<>();
        expander.readList(arg, found, maxBytes, maxLine);
        out.addAll(toInputs(found));
    }

    /**
     * Where the CLI reads a path argument: a plain path or a {@code file:} URL locally; any other scheme
     * through a provider on the class path (Hadoop's), else refused with what to add.
     */
    static InputExpander.Route route(String arg) {
        String scheme = InputExpander.scheme(arg);
        if (scheme == null) return new InputExpander.Route(LocalSource.INSTANCE, arg, null);
        if (scheme.equals("file")) {
            try {
                return new InputExpander.Route(LocalSource.INSTANCE, Path.of(new URI(arg)).toString(), null);
            } catch (URISyntaxException e) {
                return InputExpander.Route.refused("not a valid URL: " + e.getReason());
            } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                // file://host/x (a remote host) or file:relative: not a local file; the batch goes on.
                return InputExpander.Route.refused("not a local file URL: " + reason(e));
            }
        }
        InputSource s = InputSources.forScheme(scheme);
        return s != null ? new InputExpander.Route(s, arg, null)
                : InputExpander.Route.refused("unsupported URL scheme '" + scheme + "' (only file, http and https; " + InputSources.HADOOP_HINT + ")");
    }

    private static List<Input> toInputs(List<InputExpander.Found> found) {
        List<Input> out = new ArrayList<>(found.size());
        for (InputExpander.Found f : found) {
            if (f.error() != null) out.add(Input.failed(f.given(), f.error()));
            else if (f.url() != null) out.add(new Input(f.given(), null, f.url(), OutputNames.safeSegment(f.url()), null));
            else if (f.bytes() != null) out.add(new Input(f.given(), null, null, f.relative(), null, f.bytes()));
            else if (f.source() instanceof LocalSource) out.add(new Input(f.given(), (Path) f.entry().handle(), null, f.relative(), null));
            else out.add(new Input(f.given(), null, null, f.relative(), null, null, new SourceFile(f.source(), f.entry())));
        }
        return out;
    }

    /** {@link ImageFiles#hasImageExtension}. */
    public static boolean hasImageExtension(String name) {
        return ImageFiles.hasImageExtension(name);
    }

    /** {@link ImageFiles#looksLikeImage}. */
    public static boolean looksLikeImage(byte[] h, int n) {
        return ImageFiles.looksLikeImage(h, n);
    }

    static String reason(Exception e) {
        return LocalSource.reason(e);
    }
}
