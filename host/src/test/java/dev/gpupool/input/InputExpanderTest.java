package dev.gpupool.input;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.TestImages;
import dev.gpupool.thumbnail.BatchReport;
import dev.gpupool.thumbnail.Input;
import dev.gpupool.thumbnail.InputScanner;
import dev.gpupool.thumbnail.Thumbnailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The input layer on the local file system, as the CLI uses it: the output directory is never walked
 * however it is reached (issue 19, defect 8), hidden and temporary files are passed over, globs, and a
 * Hadoop URI without Hadoop on the class path says what to add. (The same cases against Hadoop's file
 * systems, and the CLI against Spark: the spark module's InputLayerTest.)
 */
class InputExpanderTest {
    @TempDir
    Path tmp;

    private List<String> relatives(Path out, String... args) {
        return new InputScanner(out, InputStream.nullInputStream()).scan(List.of(args)).stream()
                .map(i -> i.error() != null ? "FAILED " + i.given() + ": " + i.error() : i.relative()).toList();
    }

    private Path tree() throws IOException {
        Path in = tmp.resolve("in");
        TestImages.write(in.resolve("a.jpg"), 40, 30, "jpeg");
        TestImages.write(in.resolve("sub/b.png"), 30, 40, "png");
        return in;
    }

    @Test
    void anOutputDirectoryReachedThroughALinkInTheTreeIsNotWalked() throws IOException {
        Path in = tree(), out = tmp.resolve("out");
        TestImages.write(out.resolve("a.jpg"), 20, 15, "jpeg"); // a thumbnail of an earlier run
        Files.createSymbolicLink(in.resolve("thumbs"), out);
        assertEquals(List.of("a.jpg", "sub/b.png"), relatives(out, in.toString()));
        // The same directory named with "..", and reached by another link: still itself.
        assertEquals(List.of("a.jpg", "sub/b.png"), relatives(in.resolve("sub/../thumbs"), in.toString()));
        Path alias = Files.createSymbolicLink(tmp.resolve("alias"), out);
        assertEquals(List.of("a.jpg", "sub/b.png"), relatives(alias, in.toString()));
        // Inside the tree by its own name too, and as a glob's match.
        Files.delete(in.resolve("thumbs"));
        Path inside = in.resolve("sub/out");
        TestImages.write(inside.resolve("x.jpg"), 20, 15, "jpeg");
        assertEquals(List.of("a.jpg", "sub/b.png"), relatives(inside, in.toString()));
        assertEquals(List.of("sub/b.png"), relatives(inside, in + "/*/*"));
    }

    @Test
    void rerunsDoNotPileUpThumbnailsOfThumbnails() throws IOException {
        Path in = tree(), out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.createSymbolicLink(in.resolve("thumbs"), out);
        try (Pool pool = Pool.builder().backend(Backend.CPU_THREADS).workers(1).open()) {
            for (int run = 0; run < 2; run++) {
                BatchReport r = Thumbnailer.on(pool).size(16, 16).overwrite(true).run(List.of(in), out);
                assertEquals(2, r.items().size(), "run " + run + ": " + r.items());
            }
        }
        try (Stream<Path> s = Files.walk(out)) {
            assertEquals(List.of("a.jpg", "sub/b.jpg"), s.filter(Files::isRegularFile).map(p -> out.relativize(p).toString())
                    .filter(n -> !n.contains("/.") && !n.startsWith(".")).sorted().toList());
        }
    }

    @Test
    void hiddenAndTemporaryNamesArePassedOverUnlessNamed() throws IOException {
        Path in = tree();
        TestImages.write(in.resolve(".hidden.jpg"), 10, 10, "jpeg");
        TestImages.write(in.resolve("._a.jpg"), 10, 10, "jpeg");
        TestImages.write(in.resolve(".git/c.jpg"), 10, 10, "jpeg");
        TestImages.write(in.resolve(".a.jpg" + dev.gpupool.job.AtomicFiles.TEMP_MARK + "1f"), 10, 10, "jpeg");
        TestImages.write(in.resolve("_temporary/0/d.jpg"), 10, 10, "jpeg");
        Files.writeString(in.resolve("notes.txt"), "not an image");
        TestImages.write(in.resolve("noext"), 10, 10, "png"); // an image by its content
        assertEquals(List.of("a.jpg", "noext", "sub/b.png"), relatives(null, in.toString()));
        assertEquals(List.of(".hidden.jpg"), relatives(null, in.resolve(".hidden.jpg").toString()), "named: always an input");
    }

    @Test
    void globsMatchNamesSegmentBySegmentAndNameOutputsFromTheirBase() throws IOException {
        Path in = tree();
        TestImages.write(in.resolve("sub2/b.png"), 10, 10, "png");
        TestImages.write(in.resolve(".c.jpg"), 10, 10, "jpeg");
        assertEquals(List.of("a.jpg"), relatives(null, in + "/*.jpg"), "* does not match a leading dot");
        assertEquals(List.of("sub/b.png", "sub2/b.png"), relatives(null, in + "/sub*/*.png"), "named from the glob's base: no collision");
        assertEquals(List.of("sub/b.png", "sub2/b.png"), relatives(null, in + "/sub*"), "matched directories are walked");
        assertEquals(List.of("sub2/b.png"), relatives(null, in + "/sub?"));
        assertEquals(List.of("a.jpg", "sub/b.png"), relatives(null, in + "/{a.jpg,sub}"));
        assertEquals(List.of("FAILED " + in + "/*.gif: no file matches"), relatives(null, in + "/*.gif"));
        Path literal = TestImages.write(in.resolve("x[1].jpg"), 10, 10, "jpeg");
        assertEquals(List.of("x[1].jpg"), relatives(null, literal.toString()), "an existing name is itself, not a glob");
        List<Input> found = new InputScanner(null, InputStream.nullInputStream()).scan(List.of(in + "/*.jpg"));
        assertEquals(in.resolve("a.jpg"), found.getFirst().file());
        assertEquals(in + "/a.jpg", found.getFirst().given());
    }

    @Test
    void aFileUrlOfADirectoryIsWalkedAndAHadoopUriSaysWhatToAdd() throws IOException {
        Path in = tree();
        assertEquals(List.of("a.jpg", "sub/b.png"), relatives(null, in.toUri().toString()));
        List<String> r = relatives(null, "hdfs://namenode:8020/photos");
        assertEquals(1, r.size());
        assertTrue(r.getFirst().startsWith("FAILED hdfs://namenode:8020/photos: unsupported URL scheme 'hdfs' (only file, http and https; "
                + "Hadoop file systems"), r.getFirst());
        assertTrue(r.getFirst().contains("gpupool-spark.jar"), r.getFirst());
        assertFalse(r.getFirst().contains("\n"));
    }
}
