package dev.gpupool.spark;

import dev.gpupool.job.AtomicFiles;
import dev.gpupool.job.ThumbnailSpec;
import dev.gpupool.thumbnail.InputScanner;
import dev.gpupool.thumbnail.OutputNames;
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
import java.util.List;
import java.util.Locale;

/**
 * The driver's half: expands INPUTs as {@code gpupool thumbnails} does (a file is an input; a directory
 * is walked recursively, sorted, taking files with an image extension or content; a glob matches
 * either; {@code @FILE} reads one INPUT a line; http(s) URLs are inputs) but on any Hadoop file
 * system, and names every output the way the CLI does: the input's path relative to where it was
 * found, under the output directory, with the format's extension, {@code _SIZE} per size when there
 * are several, {@code ~HHHHHHHH} (from the input's identity) when a name is taken: the CLI's own {@link OutputNames}, and the CLI's
 * {@link InputScanner} rules for which files of a directory are images. What is Spark's own here is
 * only reaching the files through Hadoop (any file system, globs).
 */
final class InputLister {
    private final Configuration conf;
    private final Path outDir;
    private final OutputNames names;
    private final InputStream stdin;
    private final List<WorkItem> items = new ArrayList<>();

    InputLister(Configuration conf, Path outDir, ThumbnailSpec spec, InputStream stdin) throws IOException {
        this.conf = conf;
        this.outDir = qualify(outDir);
        this.names = new OutputNames(spec.sizes(), spec.format());
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
        if (InputScanner.hasImageExtension(name)) return true;
        byte[] h = new byte[InputScanner.MAGIC_LENGTH];
        try (InputStream in = fs.open(st.getPath())) {
            return InputScanner.looksLikeImage(h, in.readNBytes(h, 0, h.length));
        } catch (IOException e) {
            return false;
        }
    }

    private void planned(String given, Path source, String relative) {
        try {
            Path q = source.getFileSystem(conf).makeQualified(source);
            // the CLI's identity of a local file is its absolute path: the same names for it on both
            String identity = "file".equals(q.toUri().getScheme()) ? q.toUri().getPath() : q.toString();
            items.add(new WorkItem(items.size(), given, q.toString(), outputsFor(relative, identity), null));
        } catch (IOException | IllegalArgumentException e) {
            failed(given, reason(e));
        }
    }

    private void plannedUrl(String given, URI url) {
        try {
            items.add(new WorkItem(items.size(), given, url.toString(), outputsFor(OutputNames.safeSegment(url), url.toString()), null));
        } catch (IllegalArgumentException e) {
            failed(given, e.getMessage());
        }
    }

    private void failed(String given, String error) {
        items.add(new WorkItem(items.size(), given, null, List.of(), error));
    }

    /** One output per size, named by the CLI's {@link OutputNames}, placed under the (Hadoop) output directory. */
    List<String> outputsFor(String rel, String identity) {
        return names.outputsFor(rel, identity, name -> new Path(outDir, name).toString());
    }

    static String reason(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
