package dev.gpupool.spark;

import dev.gpupool.input.InputExpander;
import dev.gpupool.job.ThumbnailSpec;
import dev.gpupool.thumbnail.OutputNames;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's half: expands INPUTs with the CLI's own input layer ({@link InputExpander}: a file is an
 * input; a directory is walked recursively, sorted, taking files with an image extension or content and
 * passing over hidden and temporary ones and the output directory, however it is reached; a glob; {@code @FILE}
 * lists; http(s) URLs), every path read through Hadoop ({@link HadoopSource}: any file system, paths against
 * {@code fs.defaultFS}), and names every output as the CLI does: the CLI's own {@link OutputNames}. So the
 * CLI and the job accept, refuse and name the same inputs. Standard input ({@code -}) is no input here: the
 * executors cannot read it (a list, {@code @-}, is).
 */
final class InputLister {
    private final HadoopSource source;
    private final Path outDir;
    private final OutputNames names;
    private final InputStream stdin;

    InputLister(Configuration conf, Path outDir, ThumbnailSpec spec, InputStream stdin) throws IOException {
        this.source = new HadoopSource(conf);
        this.outDir = outDir.getFileSystem(conf).makeQualified(outDir);
        this.names = new OutputNames(spec.sizes(), spec.format());
        this.stdin = stdin;
    }

    /** The output directory, qualified ({@code file:/abs}, {@code hdfs://nn/abs}). */
    Path outDir() {
        return outDir;
    }

    /** The inputs of {@code args}, in order, each with its outputs; call once the output directory exists (it is never walked). */
    List<WorkItem> list(List<String> args) {
        InputExpander expander = new InputExpander(a -> new InputExpander.Route(source, a, null), source.identityOf(outDir), stdin, 0,
                "standard input cannot be an input of a Spark job (its executors cannot read it); give a file, or a list with @-");
        List<WorkItem> items = new ArrayList<>();
        for (InputExpander.Found f : expander.expand(args)) {
            long index = items.size();
            if (f.error() != null) {
                items.add(new WorkItem(index, f.given(), null, List.of(), f.error()));
                continue;
            }
            String source = f.url() != null ? f.url().toString() : this.source.location(f.entry());
            try {
                // an output's name is decided by its input's identity, as the CLI decides it: a URL, else the
                // file's absolute path (a local one without its scheme, so both name a file the same)
                String identity = f.url() != null ? f.url().toString() : identity(source);
                items.add(new WorkItem(index, f.given(), source,
                        outputsFor(f.url() != null ? OutputNames.safeSegment(f.url()) : f.relative(), identity), null));
            } catch (IllegalArgumentException e) {
                items.add(new WorkItem(index, f.given(), null, List.of(), reason(e)));
            }
        }
        return List.copyOf(items);
    }

    /** One output per size, named by the CLI's {@link OutputNames}, placed under the (Hadoop) output directory. */
    List<String> outputsFor(String rel, String identity) {
        return names.outputsFor(rel, identity, name -> new Path(outDir, name).toString());
    }

    /** The CLI's identity of an input at {@code location} ({@link OutputNames#identity(java.nio.file.Path)} for a local file), else the location. */
    static String identity(String location) {
        java.net.URI u = new Path(location).toUri();   // a Hadoop path string, not an encoded URI ("a b.jpg")
        return "file".equals(u.getScheme()) ? OutputNames.identity(java.nio.file.Path.of(u.getPath())) : location;
    }

    static String reason(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
