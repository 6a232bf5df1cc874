package dev.gpupool.codec;

import dev.gpupool.image.PixelBuffer;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The encoding choices, checked on the output by readers that are not the encoder: the JPEG's own SOF
 * segment (parsed here byte by byte: progressive or baseline, each component's sampling factors), ImageIO
 * (the JDK's JPEG reader, TwelveMonkeys' WebP reader) for the pixels.
 */
class EncodeChoicesTest {
    /** The first SOF segment: {@code [marker, ncomp, then (H<<4|V) per component]}. */
    static int[] sof(byte[] j) {
        assertEquals(0xFF, j[0] & 0xFF);
        assertEquals(0xD8, j[1] & 0xFF);
        int i = 2;
        while (i + 4 <= j.length) {
            assertEquals(0xFF, j[i] & 0xFF, "marker expected at " + i);
            int m = j[i + 1] & 0xFF, len = (j[i + 2] & 0xFF) << 8 | (j[i + 3] & 0xFF);
            if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                int n = j[i + 9] & 0xFF;
                int[] r = new int[2 + n];
                r[0] = m;
                r[1] = n;
                for (int c = 0; c < n; c++) r[2 + c] = j[i + 10 + 3 * c + 1] & 0xFF;
                return r;
            }
            if (m == 0xDA) break;
            i += 2 + len;
        }
        return fail("no SOF segment");
    }

    static BufferedImage read(byte[] b) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(b));
        assertNotNull(img, "no reader decoded it");
        return img;
    }

    private static EncodeOptions jpeg(int q, boolean progressive, Subsample s) {
        return new EncodeOptions(OutputFormat.JPEG, q, 0xFFFFFF, progressive, s, false);
    }

    private static void assertDecodesClose(PixelBuffer src, byte[] j) throws IOException {
        BufferedImage img = read(j);
        assertEquals(src.width(), img.getWidth());
        assertEquals(src.height(), img.getHeight());
        long err = 0;
        for (int y = 0; y < src.height(); y++) {
            for (int x = 0; x < src.width(); x++) {
                // grey: the raster's sample (getRGB would convert the JDK's linear grey space to sRGB)
                int got = src.channels() == 1 ? img.getRaster().getSample(x, y, 0) : img.getRGB(x, y) >> 16 & 0xFF;
                err += Math.abs(got - src.sample(x, y, 0));
            }
        }
        assertTrue(err / (double) src.pixels() < 12, "mean error " + err / (double) src.pixels());
    }

    @Test
    void progressiveWritesSof2AndBaselineSof0() throws Exception {
        PixelBuffer src = TestImages.photo(96, 64, 1);
        byte[] prog = Codecs.encode(src, jpeg(85, true, Subsample.AUTO));
        byte[] base = Codecs.encode(src, jpeg(85, false, Subsample.AUTO));
        assertEquals(0xC2, sof(prog)[0]);
        assertEquals(0xC0, sof(base)[0]);
        assertDecodesClose(src, prog);
        assertDecodesClose(src, base);
        // the JDK reader agrees: its metadata tree names the frame progressive
        try (var in = ImageIO.createImageInputStream(new ByteArrayInputStream(prog))) {
            var r = ImageIO.getImageReaders(in).next();
            r.setInput(in);
            var tree = (org.w3c.dom.Element) r.getImageMetadata(0).getAsTree("javax_imageio_jpeg_image_1.0");
            assertEquals("2", ((org.w3c.dom.Element) tree.getElementsByTagName("sof").item(0)).getAttribute("process"));
            r.dispose();
        }
    }

    /** A progressive compressor handle is pooled apart: grey, colour, then baseline, each as asked. */
    @Test
    void progressiveAndBaselineHandlesDoNotMix() throws Exception {
        PixelBuffer colour = TestImages.photo(80, 48, 2);
        byte[] g = new byte[80 * 48];
        for (int i = 0; i < g.length; i++) g[i] = (byte) (i % 80 * 3);
        PixelBuffer grey = new PixelBuffer(80, 48, 1, g);
        for (int round = 0; round < 3; round++) {
            byte[] pg = Codecs.encode(grey, jpeg(85, true, Subsample.AUTO));
            assertArrayEquals(new int[]{0xC2, 1, 0x11}, sof(pg));
            assertDecodesClose(grey, pg);
            byte[] pc = Codecs.encode(colour, jpeg(85, true, Subsample.S444));
            assertArrayEquals(new int[]{0xC2, 3, 0x11, 0x11, 0x11}, sof(pc));
            assertDecodesClose(colour, pc);
            byte[] bc = Codecs.encode(colour, jpeg(85, false, Subsample.S420));
            assertArrayEquals(new int[]{0xC0, 3, 0x22, 0x11, 0x11}, sof(bc));
            assertDecodesClose(colour, bc);
        }
    }

    @Test
    void chromaSamplingFactorsAsAsked() throws Exception {
        PixelBuffer src = TestImages.photo(64, 48, 3);
        assertArrayEquals(new int[]{0xC0, 3, 0x22, 0x11, 0x11}, sof(Codecs.encode(src, jpeg(85, false, Subsample.S420))));
        assertArrayEquals(new int[]{0xC0, 3, 0x21, 0x11, 0x11}, sof(Codecs.encode(src, jpeg(85, false, Subsample.S422))));
        assertArrayEquals(new int[]{0xC0, 3, 0x11, 0x11, 0x11}, sof(Codecs.encode(src, jpeg(85, false, Subsample.S444))));
        // auto, as libvips: 4:2:0 below quality 90, 4:4:4 from 90
        assertArrayEquals(new int[]{0xC0, 3, 0x22, 0x11, 0x11}, sof(Codecs.encode(src, jpeg(89, false, Subsample.AUTO))));
        assertArrayEquals(new int[]{0xC0, 3, 0x11, 0x11, 0x11}, sof(Codecs.encode(src, jpeg(90, false, Subsample.AUTO))));
        // the three-argument options are the old defaults: baseline, auto
        assertArrayEquals(new int[]{0xC0, 3, 0x22, 0x11, 0x11}, sof(Codecs.encode(src, new EncodeOptions(OutputFormat.JPEG, 85, 0))));
        assertEquals(Subsample.S422, Subsample.parse("4:2:2"));
        assertThrows(IllegalArgumentException.class, () -> Subsample.parse("411"));
    }

    /** The ImageIO encoder (used when libturbojpeg is missing) honours the same choices. */
    @Test
    void imageIOFallbackHonoursTheChoices() throws Exception {
        PixelBuffer src = TestImages.photo(64, 48, 4);
        byte[] p444 = JpegCodec.encodeImageIO(src, jpeg(85, true, Subsample.S444));
        assertArrayEquals(new int[]{0xC2, 3, 0x11, 0x11, 0x11}, sof(p444));
        assertDecodesClose(src, p444);
        byte[] b422 = JpegCodec.encodeImageIO(src, jpeg(85, false, Subsample.S422));
        assertArrayEquals(new int[]{0xC0, 3, 0x21, 0x11, 0x11}, sof(b422));
        assertDecodesClose(src, b422);
        assertArrayEquals(new int[]{0xC0, 3, 0x22, 0x11, 0x11}, sof(JpegCodec.encodeImageIO(src, jpeg(80, false, Subsample.AUTO))));
    }

    @Test
    void losslessWebpKeepsEveryPixel() throws Exception {
        assertTrue(LibWebP.INSTANCE.available, LibWebP.INSTANCE.description);
        PixelBuffer rgb = TestImages.photo(67, 41, 5);
        byte[] rgba = new byte[67 * 41 * 4];
        for (int i = 0, n = 67 * 41; i < n; i++) {
            for (int c = 0; c < 3; c++) rgba[i * 4 + c] = rgb.data()[i * 3 + c];
            rgba[i * 4 + 3] = (byte) (i % 7 == 0 ? 0 : i * 13); // fully transparent ones too
        }
        for (PixelBuffer src : new PixelBuffer[]{rgb, new PixelBuffer(67, 41, 4, rgba)}) {
            byte[] w = Codecs.encode(src, new EncodeOptions(OutputFormat.WEBP, 10, 0, false, Subsample.AUTO, true));
            assertEquals("VP8L", new String(w, 12, 4, java.nio.charset.StandardCharsets.US_ASCII), "lossless bitstream");
            BufferedImage img = read(w);
            int diff = 0;
            for (int y = 0; y < 41; y++) {
                for (int x = 0; x < 67; x++) {
                    int argb = img.getRGB(x, y);
                    int a = src.channels() == 4 ? src.sample(x, y, 3) : 255;
                    if ((argb >>> 24) != a) diff++;
                    if (a == 0) continue; // an ARGB BufferedImage may not keep colour under alpha 0
                    for (int c = 0; c < 3; c++) if ((argb >> (16 - 8 * c) & 0xFF) != src.sample(x, y, c)) diff++;
                }
            }
            assertEquals(0, diff, src.channels() + " channels: samples that differ");
        }
        byte[] lossy = Codecs.encode(rgb, new EncodeOptions(OutputFormat.WEBP, 10, 0));
        assertEquals("VP8 ", new String(lossy, 12, 4, java.nio.charset.StandardCharsets.US_ASCII));
    }
}
