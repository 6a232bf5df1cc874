package dev.gpupool.thumbnail;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19 defect 7: {@code A/photo.jpg} and {@code B/photo.jpg} gave {@code photo.jpg} and {@code photo~2.jpg},
 * and a later run of {@code B/photo.jpg} alone skipped and kept A's thumbnail as B's. Names now come from the
 * input itself and each output's mark says which input made it, so a rerun, whatever its batch, finds each
 * input's own output. A is landscape and B portrait, so a thumbnail shows whose it is.
 */
class OutputIdentityTest {
    @TempDir
    static Path tmp;
    static Pool pool;
    static Path a, b;

    @BeforeAll
    static void open() throws Exception {
        pool = Pool.open(Backend.CPU_THREADS);
        a = TestImages.write(tmp.resolve("A/photo.jpg"), 200, 100, "jpeg");
        b = TestImages.write(tmp.resolve("B/photo.jpg"), 100, 200, "jpeg");
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    private static BatchReport run(Path out, Path... inputs) {
        return Thumbnailer.on(pool).size(64, 64).run(List.of(inputs), out);
    }

    private static boolean landscape(Path thumbnail) throws Exception {
        BufferedImage i = ImageIO.read(thumbnail.toFile());
        return i.getWidth() > i.getHeight();
    }

    private static Path bsOwn(Path out) {
        return out.resolve("photo~" + OutputNames.tag(OutputNames.identity(b)) + ".jpg");
    }

    @Test
    void aRerunOfTheSecondInputAloneKeepsItsOwnThumbnailNotTheFirsts() throws Exception {
        Path out = tmp.resolve("out1");
        BatchReport both = run(out, a, b);
        assertEquals(2, both.ok());
        assertEquals(out.resolve("photo.jpg").toString(), both.items().get(0).output());
        assertEquals(bsOwn(out).toString(), both.items().get(1).output(), "B's name comes from B, not from its place in the batch");
        assertTrue(landscape(out.resolve("photo.jpg")));
        assertTrue(!landscape(bsOwn(out)));

        BatchReport alone = run(out, b);
        BatchReport.Item item = alone.items().getFirst();
        assertEquals(bsOwn(out).toString(), item.output(), "B alone finds its own output, not A's photo.jpg");
        assertEquals(BatchReport.Status.SKIPPED, item.status());
        assertTrue(landscape(out.resolve("photo.jpg")), "A's thumbnail is left as it was");
    }

    @Test
    void whoeverCameFirstKeepsThePlainNameOnEveryLaterRun() throws Exception {
        Path out = tmp.resolve("out2");
        assertEquals(out.resolve("photo.jpg").toString(), run(out, b).items().getFirst().output());
        BatchReport both = run(out, a, b);
        Path asOwn = out.resolve("photo~" + OutputNames.tag(OutputNames.identity(a)) + ".jpg");
        assertEquals(asOwn.toString(), both.items().get(0).output(), "photo.jpg was made from B: A gets its own name");
        assertEquals(BatchReport.Status.OK, both.items().get(0).status());
        assertEquals(out.resolve("photo.jpg").toString(), both.items().get(1).output());
        assertEquals(BatchReport.Status.SKIPPED, both.items().get(1).status());
        assertTrue(landscape(asOwn));
        assertTrue(!landscape(out.resolve("photo.jpg")), "B's thumbnail stays B's");
    }

    @Test
    void anOutputMarkedByAnOlderGpupoolWithoutItsInputIsRedoneOnceAndMarked() throws Exception {
        Path out = tmp.resolve("out3");
        run(out, b);
        Path photo = out.resolve("photo.jpg");
        UserDefinedFileAttributeView v = Files.getFileAttributeView(photo, UserDefinedFileAttributeView.class);
        v.write(OutputMarks.NAME, ByteBuffer.wrap("thumbnail".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(BatchReport.Status.OK, run(out, a).items().getFirst().status(), "which input made it is unknown: redone");
        assertTrue(landscape(photo), "now A's");
        assertEquals(BatchReport.Status.SKIPPED, run(out, a).items().getFirst().status(), "and marked as A's");
        ByteBuffer mark = ByteBuffer.allocate(4096);
        v.read(OutputMarks.NAME, mark);
        assertEquals("thumbnail\n" + OutputNames.identity(a), new String(mark.array(), 0, mark.position(), StandardCharsets.UTF_8));
    }
}
