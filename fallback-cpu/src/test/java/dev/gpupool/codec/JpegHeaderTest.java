package dev.gpupool.codec;

import dev.gpupool.image.PixelBuffer;
import org.junit.jupiter.api.Test;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** {@link JpegHeader} on JPEGs the project's own encoder writes, with markers spliced in by hand. */
class JpegHeaderTest {
    private static final PixelBuffer PHOTO = TestImages.photo(48, 32, 7);

    private static byte[] jpeg(Subsample s, boolean progressive) throws IOException {
        return Codecs.encode(PHOTO, new EncodeOptions(OutputFormat.JPEG, 80, 0, progressive, s, false));
    }

    private static byte[] grey() throws IOException {
        byte[] g = new byte[48 * 32];
        for (int i = 0; i < g.length; i++) g[i] = (byte) (i * 7);
        return Codecs.encode(new PixelBuffer(48, 32, 1, g), new EncodeOptions(OutputFormat.JPEG, 80, 0));
    }

    /** An APP14 "Adobe" payload: version 100, flags 0, 0, then {@code transform}. */
    private static byte[] adobe(int transform) {
        return new byte[]{'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
    }

    @Test
    void baselineColourAtEachSubsampling() throws IOException {
        for (Subsample s : new Subsample[]{Subsample.S444, Subsample.S422, Subsample.S420}) {
            JpegHeader h = JpegHeader.parse(jpeg(s, false));
            assertNotNull(h, s.toString());
            assertEquals(JpegHeader.SOF_BASELINE, h.sof(), s.toString());
            assertEquals(8, h.precision());
            assertEquals(48, h.width());
            assertEquals(32, h.height());
            assertEquals(3, h.components());
            assertEquals(3, h.sampling().length);
            assertEquals(switch (s) {
                case S444 -> "444";
                case S422 -> "422";
                default -> "420";
            }, h.subsampling(), Arrays.toString(h.sampling()));
            assertEquals(1, h.orientation());
            assertFalse(h.hasIcc());
            assertFalse(h.adobe());
            assertEquals(-1, h.adobeTransform());
            assertNull(h.unusualColour(), "a plain 8-bit YCbCr JPEG");
        }
    }

    @Test
    void progressive() throws IOException {
        JpegHeader h = JpegHeader.parse(jpeg(Subsample.S420, true));
        assertNotNull(h);
        assertEquals(JpegHeader.SOF_PROGRESSIVE, h.sof());
        assertEquals(8, h.precision());
        assertEquals("420", h.subsampling());
        assertEquals(48, h.width());
        assertEquals(32, h.height());
    }

    @Test
    void greyHasOneComponentAndNoSubsampling() throws IOException {
        JpegHeader h = JpegHeader.parse(grey());
        assertNotNull(h);
        assertEquals(1, h.components());
        assertEquals(1, h.sampling().length);
        assertNull(h.subsampling());
        assertNull(h.unusualColour());
    }

    @Test
    void theSamplesReadAsExiftoolSaysTheyAre() throws IOException {
        Path samples = Path.of(System.getProperty("user.dir")).getParent().resolve("samples");
        if (!Files.isDirectory(samples)) return; // run from elsewhere: the samples are the repository's
        JpegHeader p = JpegHeader.parse(Files.readAllBytes(samples.resolve("plasma-portrait-progressive.jpg")));
        assertNotNull(p);
        assertEquals(JpegHeader.SOF_PROGRESSIVE, p.sof());
        assertEquals(1000, p.width());
        assertEquals(1500, p.height());
        assertEquals("444", p.subsampling());
        JpegHeader g = JpegHeader.parse(Files.readAllBytes(samples.resolve("grey.jpg")));
        assertNotNull(g);
        assertEquals(JpegHeader.SOF_BASELINE, g.sof());
        assertEquals(800, g.width());
        assertEquals(600, g.height());
        assertEquals(1, g.components());
    }

    @Test
    void exifOrientationIsReadAndSizeStaysAsStored() throws IOException {
        for (boolean le : new boolean[]{true, false}) {
            JpegHeader h = JpegHeader.parse(TestImages.withExifOrientation(jpeg(Subsample.S420, false), 6, le));
            assertNotNull(h);
            assertEquals(6, h.orientation(), le ? "II" : "MM");
            assertEquals(48, h.width(), "stored, not upright");
            assertEquals(32, h.height());
        }
        JpegHeader bad = JpegHeader.parse(TestImages.withExifOrientation(jpeg(Subsample.S420, false), 9, true));
        assertNotNull(bad);
        assertEquals(1, bad.orientation(), "an invalid orientation reads as 1");
    }

    @Test
    void anIccProfileIsSeen() throws IOException {
        byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        JpegHeader h = JpegHeader.parse(TestImages.withIcc(jpeg(Subsample.S444, false), icc));
        assertNotNull(h);
        assertTrue(h.hasIcc());
        assertEquals("an embedded ICC profile", h.unusualColour());
        assertEquals("444", h.subsampling());
    }

    @Test
    void adobeTransformZeroMeansRgbSamples() throws IOException {
        JpegHeader rgb = JpegHeader.parse(TestImages.insertSegment(jpeg(Subsample.S444, false), 0xEE, adobe(0)));
        assertNotNull(rgb);
        assertTrue(rgb.adobe());
        assertEquals(0, rgb.adobeTransform());
        assertEquals("RGB samples (Adobe transform 0)", rgb.unusualColour());

        JpegHeader ycc = JpegHeader.parse(TestImages.insertSegment(jpeg(Subsample.S444, false), 0xEE, adobe(1)));
        assertNotNull(ycc);
        assertTrue(ycc.adobe());
        assertEquals(1, ycc.adobeTransform());
        assertNull(ycc.unusualColour(), "Adobe transform 1 is plain YCbCr");
    }

    @Test
    void anAdobeMarkerAfterTheFrameHeaderStillCounts() throws IOException {
        // libjpeg reads every marker up to the first scan; APP14 after SOF still makes the samples RGB
        byte[] j = jpeg(Subsample.S444, false);
        int sos = markerAt(j, 0xDA);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(j, 0, sos);
        byte[] p = adobe(0);
        out.write(0xFF);
        out.write(0xEE);
        out.write((p.length + 2) >> 8);
        out.write(p.length + 2);
        out.writeBytes(p);
        out.write(j, sos, j.length - sos);
        JpegHeader h = JpegHeader.parse(out.toByteArray());
        assertNotNull(h);
        assertTrue(h.adobe());
        assertEquals(0, h.adobeTransform());
        assertEquals("RGB samples (Adobe transform 0)", h.unusualColour());
    }

    @Test
    void twelveBitAndCmykFramesAreUnusual() throws IOException {
        byte[] j = jpeg(Subsample.S444, false);
        int sof = markerAt(j, 0xC0);
        byte[] twelve = j.clone();
        twelve[sof + 1] = (byte) 0xC1;
        twelve[sof + 4] = 12;
        JpegHeader h = JpegHeader.parse(twelve);
        assertNotNull(h);
        assertEquals(JpegHeader.SOF_EXTENDED, h.sof());
        assertEquals(12, h.precision());
        assertEquals("12-bit samples", h.unusualColour());
    }

    @Test
    void notAJpegOrTruncatedOrGarbageIsNull() throws IOException {
        byte[] j = jpeg(Subsample.S420, false);
        assertNull(JpegHeader.parse(null));
        assertNull(JpegHeader.parse(new byte[0]));
        assertNull(JpegHeader.parse(new byte[]{(byte) 0xFF, (byte) 0xD8}));
        byte[] png = Codecs.encode(PHOTO, new EncodeOptions(OutputFormat.PNG, 80, 0));
        assertNull(JpegHeader.parse(png));
        assertNull(JpegHeader.parse("GIF89a not a jpeg at all".getBytes(StandardCharsets.ISO_8859_1)));

        int sof = markerAt(j, 0xC0);
        for (int cut = 2; cut <= sof + 4; cut++) {
            assertNull(JpegHeader.parse(Arrays.copyOf(j, cut)), "cut at " + cut + " (SOF at " + sof + ")");
        }
        // the frame header itself cut short
        assertNull(JpegHeader.parse(Arrays.copyOf(j, sof + 10)));

        // SOI then garbage, or a scan before any frame header
        byte[] garbage = new byte[64];
        new java.util.Random(1).nextBytes(garbage);
        garbage[0] = (byte) 0xFF;
        garbage[1] = (byte) 0xD8;
        garbage[2] = 0x12;
        assertNull(JpegHeader.parse(garbage));
        assertNull(JpegHeader.parse(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2, 0, 0}));
        // a segment length running past the end
        assertNull(JpegHeader.parse(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0x7F, 0x7F, 0, 0}));

        // never throws, whatever the bytes
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] b = j.clone();
            for (int k = 0; k < 4; k++) b[2 + r.nextInt(Math.min(b.length - 2, sof + 20))] = (byte) r.nextInt(256);
            JpegHeader.parse(Arrays.copyOf(b, 2 + r.nextInt(b.length - 2)));
        }
    }

    /** Where the first marker {@code 0xFF m} is, walking the segments from SOI. */
    private static int markerAt(byte[] j, int m) {
        int p = 2;
        while (p + 4 <= j.length) {
            int mk = j[p + 1] & 0xFF;
            if (mk == m) return p;
            p += 2 + (((j[p + 2] & 0xFF) << 8) | (j[p + 3] & 0xFF));
        }
        throw new AssertionError("no marker " + Integer.toHexString(m));
    }
}
