package dev.gpupool.spark;

import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.input.InputSources;
import dev.gpupool.job.AtomicFiles;
import dev.gpupool.job.BoxSize;
import dev.gpupool.job.ThumbnailSpec;
import dev.gpupool.thumbnail.Input;
import dev.gpupool.thumbnail.InputScanner;
import dev.gpupool.thumbnail.OutputNames;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One set of cases for the one input layer, run four ways on the same tree: the CLI on local paths
 * ({@link InputScanner}, {@code LocalSource}), the Spark job's lister through Hadoop's LocalFileSystem
 * ({@code file:}), the Spark job's lister on a real HDFS (MiniDFSCluster), and the CLI on {@code hdfs://}
 * (Hadoop's source found on the class path). Each way must give the same inputs, in the same order, with
 * the same output names: walks (nested, sorted; hidden names, gpupool's temporaries, Hadoop's
 * {@code _temporary} and non-images passed over; an image without extension taken by content), globs, a
 * hidden file named explicitly, missing inputs, URLs, name collisions, and the output directory inside
 * the tree, never walked (locally also reached through a symbolic link: issue 19, defect 8).
 */
class InputLayerTest {
    @TempDir
    static Path tmp;
    static MiniDFSCluster hdfs;
    static String hdfsTree, hdfsOut, hdfsElsewhere;
    static Path tree, out;
    static final List<BoxSize> SIZES = List.of(new BoxSize(64, 64), new BoxSize(128, 128));
    static final ThumbnailSpec SPEC = new ThumbnailSpec(SIZES, Fit.CONTAIN, Filter.LANCZOS3, OutputFormat.JPEG, 85,
            false, true, 0xFFFFFF, 178_956_970L, false);

    @BeforeAll
    static void start() throws IOException {
        tree = tmp.resolve("tree");
        out = tree.resolve("thumbs");
        image(tree.resolve("a.jpg"), "jpeg");
        image(tree.resolve("b.png"), "png");
        image(tree.resolve("name with space.jpg"), "jpeg");
        image(tree.resolve("noext"), "png");                     // an image by its content
        image(tree.resolve("sub/c.jpg"), "jpeg");
        image(tree.resolve("sub/deeper/d.gif"), "gif");
        image(tree.resolve("sub2/c.jpg"), "jpeg");
        image(tree.resolve(".hidden.jpg"), "jpeg");
        image(tree.resolve("._a.jpg"), "jpeg");
        image(tree.resolve(".git/e.jpg"), "jpeg");
        image(tree.resolve("y.jpg" + AtomicFiles.TEMP_MARK + "1f"), "jpeg");
        image(tree.resolve("_temporary/0/f.jpg"), "jpeg");
        image(out.resolve("a_64.jpg"), "jpeg");                  // a thumbnail of an earlier run
        Files.writeString(tree.resolve("notes.txt"), "not an image");

        hdfs = MiniHdfs.start(tmp.resolve("hdfs"));
        FileSystem fs = hdfs.getFileSystem();
        hdfsTree = fs.getUri() + "/tree";
        hdfsOut = hdfsTree + "/thumbs";
        hdfsElsewhere = fs.getUri() + "/elsewhere";
        fs.mkdirs(new org.apache.hadoop.fs.Path(hdfsElsewhere));
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(tree.toUri()), new org.apache.hadoop.fs.Path(hdfsTree));
        // Only locally (HDFS has no symbolic links): the output directory reached again through a link.
        Files.createSymbolicLink(tree.resolve("link"), out);
    }

    @AfterAll
    static void stop() {
        if (hdfs != null) hdfs.shutdown();
    }

    private static void image(Path p, String format) throws IOException {
        Files.createDirectories(p.getParent());
        ThumbnailJobTest.write(ThumbnailJobTest.photo(40, 30, p.getFileName().toString().length()), p, format);
    }

    /** Each input as {@code GIVEN -> OUTPUTS} or {@code GIVEN: ERROR}, {@code root/} left out of names. */
    private static List<String> cli(String root, List<String> args, Path outDir) {
        List<Input> inputs = new InputScanner(outDir, InputStream.nullInputStream()).scan(args);
        OutputNames names = new OutputNames(SIZES, OutputFormat.JPEG);
        List<String> rows = new ArrayList<>();
        for (Input in : inputs) {
            String given = strip(root, in.given());
            rows.add(in.error() != null ? given + ": " + in.error() : given + " -> " + unhash(String.join(",", names.outputsFor(in.relative(), OutputNames.identity(in), n -> n))));
        }
        return rows;
    }

    private static List<String> spark(String root, List<String> args, String outDir) throws IOException {
        InputLister lister = new InputLister(new Configuration(), new org.apache.hadoop.fs.Path(outDir), SPEC, InputStream.nullInputStream());
        String prefix = lister.outDir() + "/";
        List<String> rows = new ArrayList<>();
        for (WorkItem w : lister.list(args)) {
            String given = strip(root, w.given());
            rows.add(w.error() != null ? given + ": " + w.error()
                    : given + " -> " + unhash(String.join(",", w.outputs().stream().map(o -> strip(prefix, o)).toList())));
        }
        return rows;
    }

    /**
     * A collision's {@code ~HHHHHHHH} is the hash of the input's own path, which differs between the trees the
     * four ways read (local, hdfs): {@code ~HASH} in the rows, so the rest of the name is compared.
     */
    private static String unhash(String names) {
        return names.replaceAll("~[0-9a-f]{8}", "~HASH");
    }

    private static String strip(String prefix, String s) {
        return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
    }

    /** The rows of {@code args} (with {@code R} for the tree's root), the same all four ways. */
    private static List<String> same(String... args) throws IOException {
        String local = tree.toString();
        List<String> cliLocal = cli(local + "/", fill(args, local), out);
        assertEquals(cliLocal, spark(local + "/", fill(args, local), out.toString()), "Spark on file: as the CLI");
        assertEquals(cliLocal, spark(hdfsTree + "/", fill(args, hdfsTree), hdfsOut), "Spark on hdfs: as the CLI");
        // The CLI writes locally, so for it the HDFS tree's thumbs/ is no output directory: compare it with the
        // job writing elsewhere, where thumbs/ is walked too.
        assertEquals(spark(hdfsTree + "/", fill(args, hdfsTree), hdfsElsewhere), cli(hdfsTree + "/", fill(args, hdfsTree), out),
                "the CLI on hdfs: as the job");
        return cliLocal;
    }

    private static List<String> fill(String[] args, String root) {
        List<String> l = new ArrayList<>();
        for (String a : args) l.add(a.replace("R", root));
        return l;
    }

    @Test
    void aWalkIsNestedSortedAndSkipsHiddenTemporaryAndOutputs() throws IOException {
        assertEquals(List.of(
                "a.jpg -> a_64.jpg,a_128.jpg",
                "b.png -> b_64.jpg,b_128.jpg",
                "name with space.jpg -> name with space_64.jpg,name with space_128.jpg",
                "noext -> noext_64.jpg,noext_128.jpg",
                "sub/c.jpg -> sub/c_64.jpg,sub/c_128.jpg",
                "sub/deeper/d.gif -> sub/deeper/d_64.jpg,sub/deeper/d_128.jpg",
                "sub2/c.jpg -> sub2/c_64.jpg,sub2/c_128.jpg"), same("R"));
    }

    @Test
    void globsAreMatchedByNameAndNamedFromTheirBase() throws IOException {
        assertEquals(List.of("sub/c.jpg -> sub/c_64.jpg,sub/c_128.jpg", "sub2/c.jpg -> sub2/c_64.jpg,sub2/c_128.jpg"), same("R/sub*/*.jpg"));
        assertEquals(List.of("a.jpg -> a_64.jpg,a_128.jpg", "name with space.jpg -> name with space_64.jpg,name with space_128.jpg"),
                same("R/*.jpg"), "no hidden file, no temporary");
        assertEquals(List.of("sub/deeper/d.gif -> deeper/d_64.jpg,deeper/d_128.jpg"), same("R/sub/{deeper,nothing}"),
                "named from the glob's base, R/sub/");
        assertEquals(List.of("*.webp: no file matches"), same("R/*.webp"));
    }

    @Test
    void namedFilesMissingOnesUrlsAndCollisions() throws IOException {
        List<String> rows = same("R/.hidden.jpg", "R/missing.jpg", "http://example.com/p/x.jpg", "R/sub/c.jpg", "R/sub2/c.jpg");
        assertEquals(".hidden.jpg -> .hidden_64.jpg,.hidden_128.jpg", rows.get(0), "named: an input, hidden or not");
        assertEquals("missing.jpg: no such file or directory", rows.get(1));
        assertEquals("http://example.com/p/x.jpg -> x_64.jpg,x_128.jpg", rows.get(2));
        assertEquals("sub/c.jpg -> c_64.jpg,c_128.jpg", rows.get(3));
        assertEquals("sub2/c.jpg -> c~HASH_64.jpg,c~HASH_128.jpg", rows.get(4));
    }

    @Test
    void theOutputDirectoryReachedThroughALinkIsNotWalkedByHadoopEither() throws IOException {
        // Without the real-path comparison, Hadoop's LocalFileSystem follows tree/link into the outputs.
        assertTrue(Files.isSymbolicLink(tree.resolve("link")));
        List<String> rows = spark(tree + "/", List.of(tree.toString()), out.toString());
        assertTrue(rows.stream().noneMatch(r -> r.startsWith("link/") || r.startsWith("thumbs/")), rows.toString());
        assertEquals(7, rows.size(), rows.toString());
    }

    @Test
    void theCliThumbnailsHdfsInputsIntoALocalDirectoryAndResumes() throws IOException {
        Path local = tmp.resolve("cli-out");
        try (dev.gpupool.Pool pool = dev.gpupool.Pool.builder().backend(dev.gpupool.Backend.CPU_THREADS).workers(1).open()) {
            dev.gpupool.thumbnail.BatchReport first = dev.gpupool.thumbnail.Thumbnailer.on(pool).size(32, 32)
                    .runInputs(List.of(hdfsTree + "/sub"), local);
            assertEquals(2, first.ok(), first.items().toString());
            assertEquals(List.of(hdfsTree + "/sub/c.jpg", hdfsTree + "/sub/deeper/d.gif"),
                    first.items().stream().map(dev.gpupool.thumbnail.BatchReport.Item::input).toList());
            java.awt.image.BufferedImage c = javax.imageio.ImageIO.read(local.resolve("c.jpg").toFile());
            assertEquals(32, Math.max(c.getWidth(), c.getHeight()), "read from HDFS, thumbnailed whole");
            assertTrue(Files.isRegularFile(local.resolve("deeper/d.jpg")));
            dev.gpupool.thumbnail.BatchReport again = dev.gpupool.thumbnail.Thumbnailer.on(pool).size(32, 32)
                    .runInputs(List.of(hdfsTree + "/sub"), local);
            assertEquals(2, again.skipped(), "newer than their HDFS inputs: " + again.items());
        }
    }

    @Test
    void theCliFindsHadoopOnItsClassPath() {
        assertNotNull(InputSources.forScheme("hdfs"), "HadoopSourceProvider, registered as a service");
        assertEquals(null, InputSources.forScheme("nosuchscheme"), "a scheme Hadoop does not know either");
    }
}
