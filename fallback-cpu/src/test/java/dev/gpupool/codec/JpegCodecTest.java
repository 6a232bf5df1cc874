package dev.gpupool.codec;

import dev.gpupool.image.PixelBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JPEG decoding and encoding on generated files. */
class JpegCodecTest {
    static final long MAX = DecodeOptions.DEFAULT_MAX_PIXELS;

    @BeforeAll
    static void turboLoaded() {
        // CI installs libturbojpeg0; a silent fall-back to ImageIO would hide every turbo bug below.
        assertTrue(TurboJpeg.INSTANCE.available, TurboJpeg.INSTANCE.description());
        assertTrue(Codecs.describe().getFirst().startsWith("jpeg: libjpeg-turbo "), Codecs.describe().getFirst());
    }

    static byte[] jpeg(PixelBuffer px, int q) throws Exception {
        return Codecs.encode(px, new EncodeOptions(OutputFormat.JPEG, q, 0xFFFFFF));
    }

    static void assertNear(int expected, int actual, int tolerance, String what) {
        assertTrue(Math.abs(expected - actual) <= tolerance, what + ": expected " + expected + " ± " + tolerance + ", got " + actual);
    }

    @Test
    void baselineRoundTrip() throws Exception {
        PixelBuffer src = TestImages.photo(640, 480, 1);
        byte[] j = jpeg(src, 95);
        assertTrue(TestImages.hasMarker(j, 0xC0), "baseline SOF0 expected");
        Decoded d = Codecs.decode(j, DecodeOptions.defaults());
        assertEquals("jpeg", d.format());
        assertEquals(640, d.fullWidth());
        assertEquals(480, d.fullHeight());
        assertEquals(3, d.pixels().channels());
        assertTrue(TestImages.psnr(src, d.pixels()) > 33, "psnr " + TestImages.psnr(src, d.pixels()));
        assertTrue(d.warnings().isEmpty());
    }

    @Test
    void progressiveDecodes() throws Exception {
        PixelBuffer src = TestImages.photo(500, 300, 2);
        byte[] j = TestImages.imageIoProgressiveJpeg(src);
        assertTrue(TestImages.hasMarker(j, 0xC2), "progressive SOF2 expected");
        Decoded full = Codecs.decode(j, DecodeOptions.defaults());
        assertTrue(TestImages.psnr(src, full.pixels()) > 30, "psnr " + TestImages.psnr(src, full.pixels()));
        Decoded small = Codecs.decode(j, new DecodeOptions(100, 60, MAX, false, true));
        assertEquals(125, small.pixels().width()); // 2/8 of 500 (1/8 = 63 < 100)
        assertEquals(75, small.pixels().height());
    }

    @Test
    void shrinkOnLoadPicksSmallestScaleLeavingMinimum() throws Exception {
        // 2000x1504: every M/8 scales both sides exactly, so the smallest M leaving the minimum wins.
        byte[] j = jpeg(TestImages.photo(2000, 1504, 3), 90);
        int[][] cases = { // minW, minH, expected w, h
                {250, 188, 250, 188}, {251, 100, 500, 376}, {100, 189, 500, 376}, {512, 384, 750, 564},
                {1000, 752, 1000, 752}, {1001, 752, 1250, 940}, {1800, 10, 2000, 1504}, {5000, 5000, 2000, 1504},
                {0, 0, 2000, 1504}, {0, 100, 2000, 1504}, {1, 1, 250, 188}};
        for (int[] c : cases) {
            Decoded d = Codecs.decode(j, new DecodeOptions(c[0], c[1], MAX, false, true));
            assertEquals(c[2] + "x" + c[3], d.pixels().width() + "x" + d.pixels().height(), "min " + c[0] + "x" + c[1]);
            assertEquals(2000, d.fullWidth());
            assertEquals(1504, d.fullHeight());
        }
        // 2000x1500: 1/8 gives 250x187.5 rounded up to 250x188, which leaves the minimum: smallest wins
        // even when inexact (the geometry uses the exact M/8 scale, FitPlan.decodeScale).
        byte[] k = jpeg(TestImages.photo(2000, 1500, 3), 90);
        Decoded d = Codecs.decode(k, new DecodeOptions(250, 188, MAX, false, true));
        assertEquals("250x188", d.pixels().width() + "x" + d.pixels().height());
        assertEquals(1.0 / 8, dev.gpupool.image.FitPlan.decodeScale(2000, 1500, 250, 188));
        // 1999x1333: no factor but 8/8 is exact; the smallest one leaving the minimum is used.
        byte[] odd = jpeg(TestImages.photo(1999, 1333, 3), 90);
        Decoded o = Codecs.decode(odd, new DecodeOptions(250, 167, MAX, false, true));
        assertEquals("250x167", o.pixels().width() + "x" + o.pixels().height());
        Decoded o2 = Codecs.decode(odd, new DecodeOptions(251, 167, MAX, false, true));
        assertEquals("500x334", o2.pixels().width() + "x" + o2.pixels().height());
    }

    // Where the stored image's corners land, from the EXIF table "0th row / 0th column" for 1..8.
    // Stored (0,0) = row0 ∩ col0; stored (W-1,0) = row0 ∩ opposite of col0. Index: 0 TL, 1 TR, 2 BL, 3 BR.
    static final int[] TOP_LEFT_GOES_TO = {-1, 0, 1, 3, 2, 0, 1, 3, 2};
    static final int[] TOP_RIGHT_GOES_TO = {-1, 1, 0, 2, 3, 2, 3, 1, 0};

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void exifOrientationAppliedAsTheSpecTableSays(int o) throws Exception {
        int[][] colours = {{250, 20, 20}, {20, 250, 20}, {20, 20, 250}, {240, 240, 240}};
        PixelBuffer src = TestImages.quadrants(64, 32, colours);
        for (boolean le : new boolean[]{true, false}) {
            byte[] j = TestImages.withExifOrientation(jpeg(src, 95), o, le);
            Decoded d = Codecs.decode(j, DecodeOptions.defaults());
            PixelBuffer p = d.pixels();
            boolean t = o >= 5;
            assertEquals(t ? 32 : 64, p.width());
            assertEquals(t ? 64 : 32, p.height());
            assertEquals(p.width(), d.fullWidth());
            assertEquals(p.height(), d.fullHeight());
            assertCornerIs(p, TOP_LEFT_GOES_TO[o], colours[0], "o=" + o + " stored TL");
            assertCornerIs(p, TOP_RIGHT_GOES_TO[o], colours[1], "o=" + o + " stored TR");
            // Not rotated when asked not to.
            Decoded raw = Codecs.decode(j, new DecodeOptions(0, 0, MAX, false, false));
            assertEquals(64, raw.pixels().width());
            assertCornerIs(raw.pixels(), 0, colours[0], "unrotated");
        }
    }

    static void assertCornerIs(PixelBuffer p, int corner, int[] rgb, String what) {
        int x = (corner & 1) == 0 ? 2 : p.width() - 3, y = corner < 2 ? 2 : p.height() - 3;
        for (int c = 0; c < 3; c++) assertNear(rgb[c], p.sample(x, y, c), 12, what + " corner " + corner + " channel " + c);
    }

    @Test
    void minimumIsInUprightCoordinates() throws Exception {
        // Stored 2000x1000, orientation 6 (upright 1000x2000). Upright min 125x250 is stored 250x125: 1/8 fits.
        byte[] j = TestImages.withExifOrientation(jpeg(TestImages.photo(2000, 1000, 4), 90), 6, true);
        Decoded d = Codecs.decode(j, new DecodeOptions(125, 250, MAX, false, true));
        assertEquals(125, d.pixels().width());
        assertEquals(250, d.pixels().height());
        assertEquals(1000, d.fullWidth());
        assertEquals(2000, d.fullHeight());
        Decoded d2 = Codecs.decode(j, new DecodeOptions(250, 125, MAX, false, true));
        assertEquals(250, d2.pixels().width()); // needs 2/8: stored 500x250, upright 250x500
        assertEquals(500, d2.pixels().height());
    }

    @Test
    void greyStaysGrey() throws Exception {
        PixelBuffer rgb = TestImages.photo(200, 100, 5);
        byte[] g = new byte[200 * 100];
        for (int i = 0; i < g.length; i++) g[i] = rgb.data()[i * 3 + 1];
        PixelBuffer grey = new PixelBuffer(200, 100, 1, g);
        byte[] j = jpeg(grey, 95);
        Decoded d = Codecs.decode(j, DecodeOptions.defaults());
        assertEquals(1, d.pixels().channels());
        assertTrue(TestImages.psnr(grey, d.pixels()) > 35);
        assertEquals(TurboJpeg.TJCS_GRAY, TurboJpeg.INSTANCE.header(j).colorspace());
        assertEquals(1, Codecs.decode(j, new DecodeOptions(25, 13, MAX, false, true)).pixels().channels());
    }

    /** C, M, Y, K samples (not inverted) of the test colours and the sRGB the naive formula gives. */
    static final int[][] CMYK = {{255, 0, 0, 0}, {0, 255, 0, 0}, {0, 0, 255, 0}, {0, 0, 0, 128}};
    static final int[][] CMYK_AS_RGB = {{0, 255, 255}, {255, 0, 255}, {255, 255, 0}, {127, 127, 127}};

    static byte[] invertedCmykQuadrants(int w, int h) {
        byte[] d = TestImages.quadrants(w, h, CMYK).data();
        for (int i = 0; i < d.length; i++) d[i] = (byte) ~d[i]; // as Photoshop (Adobe APP14) stores them
        return d;
    }

    @Test
    void adobeCmykJpeg() throws Exception {
        int w = 64, h = 64;
        byte[] inv = invertedCmykQuadrants(w, h);
        WritableRaster r = Raster.createInterleavedRaster(new DataBufferByte(inv, inv.length), w, h, w * 4, 4, new int[]{0, 1, 2, 3}, null);
        ImageWriter wr = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            wr.setOutput(out);
            ImageWriteParam p = wr.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.95f);
            wr.write(null, new IIOImage(r, null, null), p);
        }
        byte[] j = bytes.toByteArray();
        int cs = TurboJpeg.INSTANCE.header(j).colorspace();
        assertTrue(cs == TurboJpeg.TJCS_CMYK || cs == TurboJpeg.TJCS_YCCK, "colour space " + cs);
        if (!Metadata.jpeg(j).adobe()) j = addAdobeMarker(j, 0); // the JDK writes one; make sure
        assertCmykColours(Codecs.decode(j, DecodeOptions.defaults()));
    }

    @Test
    void ycckJpeg() throws Exception {
        int w = 64, h = 64;
        byte[] j = TurboJpeg.INSTANCE.compress(invertedCmykQuadrants(w, h), w, h, TurboJpeg.TJPF_CMYK, 4, 0, 95);
        assertEquals(TurboJpeg.TJCS_YCCK, TurboJpeg.INSTANCE.header(j).colorspace());
        assertTrue(Metadata.jpeg(j).adobe(), "libjpeg writes an Adobe marker for YCCK");
        assertCmykColours(Codecs.decode(j, DecodeOptions.defaults()));
        Decoded small = Codecs.decode(j, new DecodeOptions(8, 8, MAX, false, true));
        assertEquals(8, small.pixels().width());
        assertEquals(3, small.pixels().channels());
    }

    static byte[] addAdobeMarker(byte[] j, int transform) {
        byte[] p = {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
        return TestImages.insertSegment(j, 0xEE, p);
    }

    static void assertCmykColours(Decoded d) {
        assertEquals(3, d.pixels().channels());
        for (int q = 0; q < 4; q++) {
            int x = (q & 1) == 0 ? 8 : 56, y = q < 2 ? 8 : 56;
            for (int c = 0; c < 3; c++) assertNear(CMYK_AS_RGB[q][c], d.pixels().sample(x, y, c), 10, "quadrant " + q + " channel " + c);
        }
    }

    @Test
    void nonSrgbProfileIsConvertedAndSrgbProfileIsNot() throws Exception {
        // Mid grey 128 encoded in linear light is sRGB ~188: a decoder ignoring the profile returns 128.
        int[][] c = {{128, 128, 128}, {64, 64, 64}, {200, 50, 20}, {255, 255, 255}};
        PixelBuffer src = TestImages.quadrants(64, 64, c);
        byte[] plain = jpeg(src, 98);
        byte[] linear = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        byte[] srgb = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        assertFalse(ColorProfiles.isSrgbOrUnusable(linear));
        assertTrue(ColorProfiles.isSrgbOrUnusable(srgb));
        PixelBuffer converted = Codecs.decode(TestImages.withIcc(plain, linear), DecodeOptions.defaults()).pixels();
        PixelBuffer asIs = Codecs.decode(TestImages.withIcc(plain, srgb), DecodeOptions.defaults()).pixels();
        PixelBuffer none = Codecs.decode(plain, DecodeOptions.defaults()).pixels();
        assertArrayEquals(none.data(), asIs.data(), "an sRGB profile must leave the pixels alone");
        for (int q = 0; q < 4; q++) {
            int x = (q & 1) == 0 ? 16 : 48, y = q < 2 ? 16 : 48;
            for (int ch = 0; ch < 3; ch++) {
                int stored = none.sample(x, y, ch);
                assertNear(srgbFromLinear(stored), converted.sample(x, y, ch), 4, "quadrant " + q + " channel " + ch + " stored " + stored);
            }
        }
        assertNear(188, converted.sample(16, 16, 0), 4, "linear mid grey");
    }

    static int srgbFromLinear(int v) {
        double l = v / 255.0;
        double s = l <= 0.0031308 ? 12.92 * l : 1.055 * Math.pow(l, 1 / 2.4) - 0.055;
        return (int) Math.round(s * 255);
    }

    @Test
    void alphaIsFlattenedOntoBackground() throws Exception {
        byte[] rgba = new byte[32 * 32 * 4];
        for (int i = 0; i < 32 * 32; i++) {
            boolean left = (i % 32) < 16;
            rgba[i * 4] = (byte) 0; rgba[i * 4 + 1] = (byte) 0; rgba[i * 4 + 2] = (byte) 255;
            rgba[i * 4 + 3] = (byte) (left ? 0 : 255); // left transparent, right opaque blue
        }
        byte[] j = Codecs.encode(new PixelBuffer(32, 32, 4, rgba), new EncodeOptions(OutputFormat.JPEG, 95, 0xFF0000));
        PixelBuffer d = Codecs.decode(j, DecodeOptions.defaults()).pixels();
        assertEquals(3, d.channels());
        assertNear(255, d.sample(4, 16, 0), 12, "left red");
        assertNear(0, d.sample(4, 16, 2), 12, "left blue");
        assertNear(0, d.sample(28, 16, 0), 12, "right red");
        assertNear(255, d.sample(28, 16, 2), 12, "right blue");
        // Grey + alpha on a grey background stays a grey JPEG.
        byte[] ga = new byte[16 * 16 * 2];
        for (int i = 0; i < 256; i++) { ga[2 * i] = 0; ga[2 * i + 1] = (byte) 128; }
        byte[] g = Codecs.encode(new PixelBuffer(16, 16, 2, ga), new EncodeOptions(OutputFormat.JPEG, 95, 0xFFFFFF));
        PixelBuffer gd = Codecs.decode(g, DecodeOptions.defaults()).pixels();
        assertEquals(1, gd.channels());
        assertNear(127, gd.sample(8, 8, 0), 3, "black at alpha 128 on white");
    }

    @Test
    void encodesQuality420() throws Exception {
        PixelBuffer src = TestImages.photo(320, 240, 6);
        byte[] hi = jpeg(src, 95), lo = jpeg(src, 30);
        assertTrue(lo.length < hi.length / 2, lo.length + " vs " + hi.length);
        // chroma subsampling defaults to auto, as libvips: 4:4:4 from quality 90, 4:2:0 below
        assertEquals(TurboJpeg.TJSAMP_444, TurboJpeg.INSTANCE.header(hi).subsamp());
        assertEquals(TurboJpeg.TJSAMP_420, TurboJpeg.INSTANCE.header(lo).subsamp());
        assertEquals(TurboJpeg.TJSAMP_420, TurboJpeg.INSTANCE.header(jpeg(src, 85)).subsamp());
    }

    @Test
    void truncatedJpegFailsStrictAndDecodesLenient() throws Exception {
        byte[] j = jpeg(TestImages.photo(400, 300, 7), 90);
        byte[] cut = Arrays.copyOf(j, j.length * 6 / 10);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> Codecs.decode(cut, DecodeOptions.defaults()));
        assertTrue(e.getMessage().contains("Premature end of JPEG file"), e.getMessage());
        Decoded d = Codecs.decode(cut, new DecodeOptions(0, 0, MAX, true, true));
        assertEquals(400, d.pixels().width());
        assertEquals(1, d.warnings().size());
        assertTrue(d.warnings().getFirst().contains("Premature end"), d.warnings().toString());
        // The top of the image decoded properly.
        PixelBuffer ref = Codecs.decode(j, DecodeOptions.defaults()).pixels();
        for (int x = 0; x < 400; x += 37) assertEquals(ref.sample(x, 5, 1), d.pixels().sample(x, 5, 1));
    }

    @Test
    void corruptEntropyDataFailsStrict() throws Exception {
        byte[] j = jpeg(TestImages.photo(400, 300, 8), 90);
        byte[] bad = j.clone();
        for (int i = bad.length / 2; i < bad.length / 2 + 200; i++) bad[i] = (byte) 0xFF; // markers in entropy data
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> Codecs.decode(bad, DecodeOptions.defaults()));
        assertTrue(e.getMessage().startsWith("corrupt JPEG: "), e.getMessage());
        byte[] header = Arrays.copyOf(j, 40);
        ImageDecodeException e2 = assertThrows(ImageDecodeException.class, () -> Codecs.decode(header, DecodeOptions.defaults()));
        assertFalse(e2.getMessage().isBlank());
    }

    @Test
    void failedCallsDoNotPoisonPooledHandles() throws Exception {
        // TurboJPEG 2.x leaves a decompressor mid-header after a header error; reusing it made the
        // next valid file fail with "Unsupported marker type". Errors must not reach the pool.
        byte[] good = jpeg(TestImages.photo(300, 200, 30), 90);
        byte[] cutHeader = Arrays.copyOf(good, 30);
        byte[] noise = new byte[3000];
        new java.util.Random(5).nextBytes(noise);
        noise[0] = (byte) 0xFF; noise[1] = (byte) 0xD8; noise[2] = (byte) 0xFF;
        for (int i = 0; i < 10; i++) {
            assertThrows(ImageDecodeException.class, () -> Codecs.decode(cutHeader, DecodeOptions.defaults()));
            assertThrows(ImageDecodeException.class, () -> Codecs.decode(noise, DecodeOptions.defaults()));
            Decoded d = Codecs.decode(good, new DecodeOptions(75, 50, MAX, false, true));
            assertEquals(75, d.pixels().width(), "a fall-back to ImageIO would decode full size");
        }
    }

    @Test
    void tooManyPixelsRefusedFromHeader() throws Exception {
        byte[] j = jpeg(TestImages.photo(400, 300, 9), 80);
        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> Codecs.decode(j, new DecodeOptions(0, 0, 400 * 300 - 1, false, true)));
        assertTrue(e.getMessage().contains("--max-pixels") && e.getMessage().contains("400x300"), e.getMessage());
        assertEquals(400, Codecs.decode(j, new DecodeOptions(0, 0, 400 * 300, false, true)).pixels().width());
    }

    @Test
    void concurrentDecodesAgree() throws Exception {
        List<byte[]> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) files.add(jpeg(TestImages.photo(300 + 40 * i, 200, 20 + i), 90));
        List<byte[]> expected = new ArrayList<>();
        for (byte[] f : files) expected.add(Codecs.decode(f, new DecodeOptions(100, 50, MAX, false, true)).pixels().data());
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                results.add(pool.submit(() -> {
                    for (int k = 0; k < 40; k++) {
                        int i = k % files.size();
                        byte[] px = Codecs.decode(files.get(i), new DecodeOptions(100, 50, MAX, false, true)).pixels().data();
                        if (!Arrays.equals(px, expected.get(i))) return false;
                        Codecs.encode(TestImages.photo(16, 16, k), new EncodeOptions(OutputFormat.JPEG, 80, 0));
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) assertTrue(f.get());
        }
    }
}
