package dev.gpupool.codec;

import dev.gpupool.image.BufferedImages;
import dev.gpupool.image.PixelBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every common input format (recognised by content), the other encoders, and strict failures. */
class FormatsTest {
    static final long MAX = DecodeOptions.DEFAULT_MAX_PIXELS;
    static final DecodeOptions LENIENT = new DecodeOptions(0, 0, MAX, true, true);

    static Decoded decode(byte[] b) throws Exception {
        return Codecs.decode(b, DecodeOptions.defaults());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8, 16})
    void pngGreyAtEveryBitDepth(int depth) throws Exception {
        int max = (1 << depth) - 1, w = 37, h = 3;
        byte[][] rows = new byte[h][];
        int[][] values = new int[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) values[y][x] = (x * 7 + y * 3) % (max + 1);
            rows[y] = TestImages.pack(values[y], depth);
        }
        Decoded d = decode(TestImages.png(w, h, depth, 0, rows));
        assertEquals("png", d.format());
        assertEquals(1, d.pixels().channels());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int expected = (int) Math.round(values[y][x] * 255.0 / max);
                assertTrue(Math.abs(expected - d.pixels().sample(x, y, 0)) <= 1,
                        "depth " + depth + " (" + x + "," + y + ") " + values[y][x] + " -> " + d.pixels().sample(x, y, 0));
            }
        }
    }

    @Test
    void png16BitRgbAndGreyAlpha() throws Exception {
        int[] rgb16 = {0x0000, 0x8000, 0xFFFF, 0x1234, 0xABCD, 0x7F7F};
        Decoded d = decode(TestImages.png(2, 1, 16, 2, new byte[][]{TestImages.pack(rgb16, 16)}));
        assertEquals(3, d.pixels().channels());
        for (int i = 0; i < 6; i++) {
            assertTrue(Math.abs(Math.round(rgb16[i] * 255.0 / 65535) - d.pixels().data()[i] & 0xFF) <= 1, "sample " + i);
        }
        int[] ga = {10, 255, 200, 0, 128, 100};
        Decoded g = decode(TestImages.png(3, 1, 8, 4, new byte[][]{TestImages.pack(ga, 8)}));
        assertEquals(2, g.pixels().channels());
        byte[] expected = new byte[6];
        for (int i = 0; i < 6; i++) expected[i] = (byte) ga[i];
        assertArrayEquals(expected, g.pixels().data(), "grey+alpha must not be brightened as linear grey");
        int[] ga16 = {0x8080, 0xFFFF};
        Decoded g16 = decode(TestImages.png(1, 1, 16, 4, new byte[][]{TestImages.pack(ga16, 16)}));
        assertEquals(128, g16.pixels().sample(0, 0, 0));
        assertEquals(255, g16.pixels().sample(0, 0, 1));
        int[] rgba = {1, 2, 3, 4, 250, 251, 252, 253};
        Decoded c = decode(TestImages.png(2, 1, 8, 6, new byte[][]{TestImages.pack(rgba, 8)}));
        assertEquals(4, c.pixels().channels());
        for (int i = 0; i < 8; i++) assertEquals(rgba[i], c.pixels().data()[i] & 0xFF);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8})
    void pngPaletteWithTransparency(int depth) throws Exception {
        int n = 1 << depth;
        byte[] plte = new byte[n * 3];
        byte[] trns = new byte[n];
        for (int i = 0; i < n; i++) {
            plte[i * 3] = (byte) (i * 40); plte[i * 3 + 1] = (byte) (255 - i * 10); plte[i * 3 + 2] = (byte) 77;
            trns[i] = (byte) (i == 0 ? 0 : 255 - i);
        }
        int w = 19;
        int[] idx = new int[w];
        for (int x = 0; x < w; x++) idx[x] = x % n;
        Decoded d = decode(TestImages.png(w, 1, depth, 3, new byte[][]{TestImages.pack(idx, depth)},
                TestImages.chunk("PLTE", plte), TestImages.chunk("tRNS", trns)));
        assertEquals(4, d.pixels().channels());
        for (int x = 0; x < w; x++) {
            int i = idx[x];
            assertEquals(trns[i] & 0xFF, d.pixels().sample(x, 0, 3), "alpha of index " + i);
            if (i != 0) { // a fully transparent pixel's colour is irrelevant
                assertEquals(plte[i * 3] & 0xFF, d.pixels().sample(x, 0, 0));
                assertEquals(plte[i * 3 + 1] & 0xFF, d.pixels().sample(x, 0, 1));
            }
        }
    }

    @Test
    void pngIccProfileAndExifOrientation() throws Exception {
        byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        Deflater def = new Deflater();
        def.setInput(icc);
        def.finish();
        byte[] z = new byte[icc.length + 64];
        int zn = def.deflate(z);
        def.end();
        byte[] iccp = new byte[5 + zn];
        System.arraycopy("lin\0\0".getBytes(), 0, iccp, 0, 5);
        System.arraycopy(z, 0, iccp, 5, zn);
        int[] px = {128, 128, 128, 128, 128, 128};
        byte[] row = TestImages.pack(px, 8);
        Decoded plain = decode(TestImages.png(2, 1, 8, 2, new byte[][]{row}));
        assertEquals(128, plain.pixels().sample(0, 0, 0));
        Decoded lin = decode(TestImages.png(2, 1, 8, 2, new byte[][]{row}, TestImages.chunk("iCCP", iccp)));
        int v = lin.pixels().sample(0, 0, 0);
        assertTrue(Math.abs(v - 188) <= 4, "linear 128 must become sRGB ~188, got " + v);
        // eXIf orientation 6 (rotate 90 clockwise): a 2x1 image becomes 1x2, the left pixel on top.
        int[] two = {255, 0, 0, 0, 0, 255};
        Decoded rot = decode(TestImages.png(2, 1, 8, 2, new byte[][]{TestImages.pack(two, 8)},
                TestImages.chunk("eXIf", TestImages.tiffOrientation(6, false))));
        assertEquals(1, rot.pixels().width());
        assertEquals(2, rot.pixels().height());
        assertEquals(255, rot.pixels().sample(0, 0, 0));
        assertEquals(255, rot.pixels().sample(0, 1, 2));
    }

    @Test
    void gifFirstFrameBmpTiffAndWebpByContent() throws Exception {
        PixelBuffer src = TestImages.photo(64, 48, 11);
        // GIF with two frames: only the first (red) is decoded.
        ImageWriter gw = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(gif)) {
            gw.setOutput(out);
            gw.prepareWriteSequence(null);
            gw.writeToSequence(new IIOImage(solid(0xFF0000), null, null), null);
            gw.writeToSequence(new IIOImage(solid(0x0000FF), null, null), null);
            gw.endWriteSequence();
        }
        Decoded g = decode(gif.toByteArray());
        assertEquals("gif", g.format());
        assertEquals(255, g.pixels().sample(3, 3, 0));
        assertEquals(0, g.pixels().sample(3, 3, 2));
        for (String f : new String[]{"bmp", "tiff"}) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(BufferedImages.toImage(src), f, b), "writer for " + f);
            Decoded d = decode(b.toByteArray());
            assertEquals(f, d.format());
            assertArrayEquals(src.data(), d.pixels().data(), f + " is lossless");
        }
        byte[] webp = Codecs.encode(src, new EncodeOptions(OutputFormat.WEBP, 90, 0));
        Decoded w = decode(webp);
        assertEquals("webp", w.format());
        assertTrue(TestImages.psnr(src, w.pixels()) > 25, "webp psnr " + TestImages.psnr(src, w.pixels()));
    }

    static BufferedImage solid(int rgb) {
        IndexColorModel icm = new IndexColorModel(8, 2, new byte[]{(byte) (rgb >> 16), 0}, new byte[]{(byte) (rgb >> 8), 0}, new byte[]{(byte) rgb, 0});
        return new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED, icm); // all index 0
    }

    @Test
    void webpKeepsAlpha() throws Exception {
        assertTrue(LibWebP.INSTANCE.available, LibWebP.INSTANCE.description);
        byte[] rgba = new byte[32 * 32 * 4];
        for (int i = 0; i < 32 * 32; i++) { rgba[i * 4] = (byte) 200; rgba[i * 4 + 1] = 50; rgba[i * 4 + 2] = 20; rgba[i * 4 + 3] = (byte) (i % 32 < 16 ? 0 : 255); }
        Decoded d = decode(Codecs.encode(new PixelBuffer(32, 32, 4, rgba), new EncodeOptions(OutputFormat.WEBP, 90, 0)));
        assertEquals(4, d.pixels().channels());
        assertEquals(0, d.pixels().sample(4, 4, 3));
        assertEquals(255, d.pixels().sample(28, 4, 3));
        assertTrue(Math.abs(200 - d.pixels().sample(28, 4, 0)) < 10);
        Decoded grey = decode(Codecs.encode(new PixelBuffer(8, 8, 1, filled(64, (byte) 90)), new EncodeOptions(OutputFormat.WEBP, 90, 0)));
        assertTrue(Math.abs(90 - grey.pixels().sample(4, 4, 0)) < 4);
    }

    static byte[] filled(int n, byte v) {
        byte[] b = new byte[n];
        Arrays.fill(b, v);
        return b;
    }

    @Test
    void pngEncodeIsLosslessForEveryChannelCount() throws Exception {
        Random r = new Random(3);
        for (int ch = 1; ch <= 4; ch++) {
            byte[] d = new byte[30 * 20 * ch];
            r.nextBytes(d);
            PixelBuffer px = new PixelBuffer(30, 20, ch, d);
            Decoded back = decode(Codecs.encode(px, new EncodeOptions(OutputFormat.PNG, 90, 0)));
            PixelBuffer p = back.pixels();
            assertEquals(ch == 2 ? 4 : ch, p.channels(), "channels for " + ch); // grey+alpha is written as RGBA
            for (int i = 0; i < 600; i++) {
                for (int c = 0; c < p.channels(); c++) {
                    int sc = ch == 2 ? (c == 3 ? 1 : 0) : c;
                    assertEquals(d[i * ch + sc] & 0xFF, p.data()[i * p.channels() + c] & 0xFF, "ch " + ch + " pixel " + i + " c " + c);
                }
            }
        }
    }

    static byte[] validPng() {
        int[] v = new int[200 * 3];
        for (int i = 0; i < v.length; i++) v[i] = (i * 13) & 0xFF;
        byte[][] rows = new byte[100][];
        Arrays.fill(rows, TestImages.pack(v, 8));
        return TestImages.png(200, 100, 8, 2, rows);
    }

    @Test
    void truncatedPngFailsStrictAndLenientKeepsTheTop() throws Exception {
        byte[] ok = validPng();
        assertEquals(200, decode(ok).pixels().width());
        byte[] cut = Arrays.copyOf(ok, ok.length - 30);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decode(cut));
        assertTrue(e.getMessage().startsWith("truncated PNG"), e.getMessage());
        byte[] noEnd = Arrays.copyOf(ok, ok.length - 12);
        assertTrue(assertThrows(ImageDecodeException.class, () -> decode(noEnd)).getMessage().contains("no IEND"));
        Decoded d = Codecs.decode(cut, LENIENT);
        assertEquals(200, d.pixels().width());
        assertTrue(!d.warnings().isEmpty() && d.warnings().getFirst().startsWith("truncated PNG"), d.warnings().toString());
        assertEquals(39, d.pixels().sample(1, 0, 0)); // sample 3 of the first row: 3 * 13
    }

    @Test
    void badCrcFailsStrict() throws Exception {
        byte[] bad = validPng();
        bad[50] ^= 0x55; // inside the IDAT data: the CRC no longer matches
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decode(bad));
        assertTrue(e.getMessage().contains("bad CRC in chunk IDAT"), e.getMessage());
    }

    @Test
    void randomBytesAndEmptyFileFail() {
        byte[] rnd = new byte[5000];
        new Random(1).nextBytes(rnd);
        rnd[0] = 0x12;
        assertTrue(assertThrows(ImageDecodeException.class, () -> decode(rnd)).getMessage().startsWith("not a recognised image format"));
        assertEquals("empty file", assertThrows(ImageDecodeException.class, () -> decode(new byte[0])).getMessage());
        // Random bytes behind a valid signature fail with the decoder's reason.
        byte[] fakeJpeg = rnd.clone();
        fakeJpeg[0] = (byte) 0xFF; fakeJpeg[1] = (byte) 0xD8; fakeJpeg[2] = (byte) 0xFF;
        String m = assertThrows(ImageDecodeException.class, () -> decode(fakeJpeg)).getMessage();
        assertTrue(m.length() > 15, m);
        byte[] fakeGif = rnd.clone();
        System.arraycopy("GIF89a".getBytes(), 0, fakeGif, 0, 6);
        assertThrows(ImageDecodeException.class, () -> decode(fakeGif));
    }

    @Test
    void hugePngHeaderRefusedWithoutAllocating() throws Exception {
        byte[] tiny = TestImages.pack(new int[]{1, 2, 3}, 8);
        byte[] huge = TestImages.png(1, 1, 8, 2, new byte[][]{tiny});
        byte[] ihdr = TestImages.ihdr(100_000, 100_000, 8, 2);
        System.arraycopy(ihdr, 0, huge, 8, ihdr.length); // same length as the 1x1 IHDR
        decodeExpectingRefusal(huge); // warm up class loading
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime(), a0 = mx.getCurrentThreadAllocatedBytes();
        String m = decodeExpectingRefusal(huge);
        long allocated = mx.getCurrentThreadAllocatedBytes() - a0, ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(m.contains("100000x100000") && m.contains("--max-pixels"), m);
        assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes");
        assertTrue(ms < 500, ms + " ms");
    }

    static String decodeExpectingRefusal(byte[] b) {
        return assertThrows(ImageDecodeException.class, () -> decode(b)).getMessage();
    }

    @Test
    void describeSaysWhatIsInUse() {
        var lines = Codecs.describe();
        assertTrue(lines.getFirst().matches("jpeg: libjpeg-turbo [0-9.x+]+ via FFM \\(libturbojpeg.*shrink-on-load\\)"), lines.getFirst());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("png: ")));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("webp: ") && l.contains("libwebp")), lines.toString());
    }
}
