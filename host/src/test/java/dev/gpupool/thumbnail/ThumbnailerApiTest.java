package dev.gpupool.thumbnail;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.TestImages;
import dev.gpupool.job.BoxSize;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The library's builder forms (sizes as ints or strings, the public enums) and bytes in, bytes out. */
class ThumbnailerApiTest {
    @TempDir
    static Path tmp;
    static Pool pool;
    static byte[] jpeg;

    @BeforeAll
    static void open() throws IOException {
        pool = Pool.open(Backend.CPU_THREADS);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(TestImages.photo(800, 500, 7), "jpeg", b);
        jpeg = b.toByteArray();
    }

    @AfterAll
    static void close() {
        if (pool != null) pool.close();
    }

    private static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        assertNotNull(img, "not a readable image");
        return img;
    }

    @Test
    void sizesAsIntsAndStrings() {
        assertEquals(List.of(new BoxSize(128, 128)), Thumbnailer.on(pool).size(128).spec().sizes());
        assertEquals(List.of(new BoxSize(320, 240)), Thumbnailer.on(pool).size("320x240").spec().sizes());
        List<BoxSize> two = List.of(new BoxSize(128, 128), new BoxSize(512, 512));
        assertEquals(two, Thumbnailer.on(pool).sizes("128,512").spec().sizes());
        assertEquals(two, Thumbnailer.on(pool).sizes("128", "512").spec().sizes());
        assertEquals(two, Thumbnailer.on(pool).sizes(128, 512).spec().sizes());
        assertEquals(List.of(new BoxSize(64, 64), new BoxSize(100, 50), new BoxSize(9, 9)),
                Thumbnailer.on(pool).sizes("64, 100x50", "9").spec().sizes());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Thumbnailer.on(pool).sizes("128,abc"));
        assertTrue(bad.getMessage().contains("'abc'"), bad.getMessage());
        // one-sided bounds: width only, height only (the free side is 0)
        assertEquals(List.of(new BoxSize(256, 0)), Thumbnailer.on(pool).size("256x").spec().sizes());
        assertEquals(List.of(new BoxSize(256, 0), new BoxSize(0, 256)), Thumbnailer.on(pool).sizes("256x,x256").spec().sizes());
        assertEquals(List.of(new BoxSize(0, 64)), Thumbnailer.on(pool).size(0, 64).spec().sizes());
        assertThrows(IllegalArgumentException.class, () -> Thumbnailer.on(pool).size("x"));
        assertThrows(IllegalArgumentException.class, () -> Thumbnailer.on(pool).size("128,512"), "size takes one");
        assertThrows(IllegalArgumentException.class, () -> Thumbnailer.on(pool).sizes(new int[0]));
    }

    @Test
    void enumsAndStringsSetTheSameSpec() {
        var viaEnums = Thumbnailer.on(pool).fit(Fit.COVER).filter(Filter.MITCHELL).format(Format.WEBP).spec();
        var viaStrings = Thumbnailer.on(pool).fit("cover").filter("Mitchell").format("webp").spec();
        var viaInternal = Thumbnailer.on(pool).fit(dev.gpupool.image.Fit.COVER).filter(dev.gpupool.image.Filter.MITCHELL)
                .format(dev.gpupool.codec.OutputFormat.WEBP).spec();
        assertEquals(viaInternal, viaEnums);
        assertEquals(viaInternal, viaStrings);
        assertNull(Thumbnailer.on(pool).format(Format.SAME).spec().format());
        assertNull(Thumbnailer.on(pool).format("same").spec().format());
        assertThrows(IllegalArgumentException.class, () -> Thumbnailer.on(pool).fit("squash"));
        assertThrows(IllegalArgumentException.class, () -> Thumbnailer.on(pool).format("gif"));
    }

    @Test
    void thePublicEnumsMirrorEveryInternalValue() {
        assertEquals(dev.gpupool.image.Fit.values().length, Fit.values().length);
        for (dev.gpupool.image.Fit f : dev.gpupool.image.Fit.values()) assertEquals(f.name(), Fit.of(f).name());
        assertEquals(dev.gpupool.image.Filter.values().length, Filter.values().length);
        for (dev.gpupool.image.Filter f : dev.gpupool.image.Filter.values()) assertEquals(f.name(), Filter.of(f).name());
        assertEquals(dev.gpupool.codec.OutputFormat.values().length + 1, Format.values().length);
        for (dev.gpupool.codec.OutputFormat f : dev.gpupool.codec.OutputFormat.values()) {
            assertEquals(f.name(), Format.of(f).name());
            assertEquals(f.extension(), Format.of(f).extension());
        }
    }

    /** One-sided sizes and the encoding choices in memory, read back by the SOF segment and the JDK/TwelveMonkeys readers. */
    @Test
    void oneSidedSizesAndEncodingChoicesInMemory() throws Exception {
        ThumbnailSet t = Thumbnailer.on(pool).sizes("200x,x100").progressive(true).subsample("444").thumbnail(jpeg);
        Thumbnail w = t.get(0), h = t.get(1);
        assertEquals(List.of("200x", 200, 125), List.of(w.size(), w.width(), w.height()));
        assertEquals(List.of("x100", 160, 100), List.of(h.size(), h.width(), h.height()));
        for (Thumbnail x : t.thumbnails()) {
            assertArrayEquals(new int[]{0xC2, 3, 0x11, 0x11, 0x11}, dev.gpupool.cli.OutputOptionsCliTest.sof(x.bytes()), x.size());
            assertEquals(x.width(), decode(x.bytes()).getWidth());
        }
        Thumbnail base = Thumbnailer.on(pool).size(64).subsample("422").thumbnail(jpeg).first();
        assertArrayEquals(new int[]{0xC0, 3, 0x21, 0x11, 0x11}, dev.gpupool.cli.OutputOptionsCliTest.sof(base.bytes()));
        Thumbnail png = Thumbnailer.on(pool).size(64).format(Format.PNG).thumbnail(jpeg).first();
        Thumbnail webp = Thumbnailer.on(pool).size(64).format(Format.WEBP).lossless(true).thumbnail(jpeg).first();
        BufferedImage p = decode(png.bytes()), l = decode(webp.bytes());
        for (int y = 0; y < p.getHeight(); y++) for (int x = 0; x < p.getWidth(); x++) assertEquals(p.getRGB(x, y), l.getRGB(x, y));
        assertThrows(IllegalArgumentException.class, () -> Thumbnailer.on(pool).subsample("411"));
    }

    @Test
    void bytesInEverySizesBytesOutDecodingToTheirDimensions() throws Exception {
        ThumbnailSet t = Thumbnailer.on(pool).sizes("128,320x240").thumbnail(jpeg);
        assertEquals("jpeg", t.inputFormat());
        assertEquals(800, t.inputWidth());
        assertEquals(500, t.inputHeight());
        assertEquals(2, t.thumbnails().size());
        Thumbnail a = t.get(0), b = t.get(1);
        assertEquals(List.of("128", 128, 80, Format.JPEG), List.of(a.size(), a.width(), a.height(), a.format()));
        assertEquals(List.of("320x240", 320, 200, Format.JPEG), List.of(b.size(), b.width(), b.height(), b.format()));
        for (Thumbnail x : t.thumbnails()) {
            BufferedImage img = decode(x.bytes());
            assertEquals(x.width(), img.getWidth(), x.size());
            assertEquals(x.height(), img.getHeight(), x.size());
            assertEquals((byte) 0xFF, x.bytes()[0]);
            assertEquals((byte) 0xD8, x.bytes()[1]); // JPEG
        }
        // the bytes a batch writes for the same image and options
        Path in = tmp.resolve("in/a.jpg");
        Files.createDirectories(in.getParent());
        Files.write(in, jpeg);
        BatchReport r = Thumbnailer.on(pool).sizes("128,320x240").run(List.of(in), tmp.resolve("out"));
        assertEquals(1, r.ok(), r.items().toString());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("out/a_128.jpg")), a.bytes());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("out/a_320x240.jpg")), b.bytes());
        assertEquals(a.bytes().length, r.items().getFirst().outputs().getFirst().bytes());

        // format and fit apply; the stream variant gives the same
        ThumbnailSet p = Thumbnailer.on(pool).size(100).fit(Fit.COVER).format(Format.PNG).thumbnail(new ByteArrayInputStream(jpeg));
        assertEquals(Format.PNG, p.first().format());
        assertEquals((byte) 0x89, p.first().bytes()[0]);
        BufferedImage square = decode(p.first().bytes());
        assertEquals(100, square.getWidth());
        assertEquals(100, square.getHeight());
        // SAME keeps JPEG as JPEG and makes a GIF a PNG
        assertEquals(Format.JPEG, Thumbnailer.on(pool).size(50).format(Format.SAME).thumbnail(jpeg).first().format());
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        ImageIO.write(TestImages.photo(90, 60, 3), "gif", gif);
        ThumbnailSet g = Thumbnailer.on(pool).size(50).format("same").thumbnail(gif.toByteArray());
        assertEquals("gif", g.inputFormat());
        assertEquals(Format.PNG, g.first().format());
    }

    @Test
    void aCorruptImageThrowsWithTheBatchsReason() throws Exception {
        byte[] truncated = Arrays.copyOf(jpeg, 40);
        byte[] text = "not an image at all".getBytes();
        Path in = tmp.resolve("bad");
        Files.createDirectories(in);
        Files.write(in.resolve("truncated.jpg"), truncated);
        Files.write(in.resolve("text.jpg"), text);
        BatchReport r = Thumbnailer.on(pool).size(64).run(List.of(in.resolve("text.jpg"), in.resolve("truncated.jpg")), tmp.resolve("bad-out"));
        assertEquals(2, r.failed());
        Thumbnailer t = Thumbnailer.on(pool).size(64);
        ThumbnailException e1 = assertThrows(ThumbnailException.class, () -> t.thumbnail(text));
        assertEquals(r.items().get(0).error(), e1.getMessage());
        assertTrue(e1.getMessage().startsWith("not a recognised image format"), e1.getMessage());
        ThumbnailException e2 = assertThrows(ThumbnailException.class, () -> t.thumbnail(truncated));
        assertEquals(r.items().get(1).error(), e2.getMessage());
        assertFalse(e2.getMessage().contains("\n"));
        assertNotNull(e2.getCause());
        assertThrows(ThumbnailException.class, () -> t.thumbnail(new byte[0]));
    }
}
