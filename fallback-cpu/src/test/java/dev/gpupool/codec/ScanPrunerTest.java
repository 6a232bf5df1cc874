package dev.gpupool.codec;

import dev.gpupool.image.PixelBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Leaving out the AC scans a 1/8 decode never reads must not change one decoded byte. */
class ScanPrunerTest {
    static final TurboJpeg TJ = TurboJpeg.INSTANCE;
    static final int TJSAMP_444 = 0, TJSAMP_422 = 1, TJSAMP_440 = 4, TJSAMP_411 = 5;

    @BeforeAll
    static void turboLoaded() {
        assertTrue(TJ.available, TJ.description());
    }

    static byte[] progressive(PixelBuffer px, int pixelFormat, int subsamp) throws Exception {
        int ch = px.channels();
        return TJ.compress(px.data(), px.width(), px.height(), pixelFormat, ch, subsamp, 90,
                TurboJpeg.TJFLAG_ACCURATEDCT | TurboJpeg.TJFLAG_PROGRESSIVE);
    }

    static PixelBuffer channels(PixelBuffer rgb, int ch) {
        byte[] s = rgb.data(), d = new byte[rgb.width() * rgb.height() * ch];
        for (int i = 0, n = rgb.width() * rgb.height(); i < n; i++) {
            for (int c = 0; c < ch; c++) d[i * ch + c] = s[i * 3 + Math.min(c, 2)];
        }
        return new PixelBuffer(rgb.width(), rgb.height(), ch, d);
    }

    /** Decodes {@code jpeg} at 1/8 as it is and pruned, and asserts the pixels are identical. */
    static void assertSameAtEighth(byte[] jpeg, int pixelFormat, int ch) throws Exception {
        byte[] pruned = ScanPruner.forEighthScale(jpeg);
        assertNotNull(pruned, "a progressive JPEG has AC scans to leave out");
        assertTrue(pruned.length < jpeg.length * 0.7, pruned.length + " of " + jpeg.length + " bytes");
        TurboJpeg.Header h = TJ.header(jpeg);
        int[] eighth = {1, 8};
        int w = TurboJpeg.scaled(h.width(), eighth), ht = TurboJpeg.scaled(h.height(), eighth);
        TurboJpeg.Result whole = TJ.decompress(jpeg, w, ht, pixelFormat, ch, false);
        TurboJpeg.Result part = TJ.decompress(pruned, w, ht, pixelFormat, ch, false);
        assertNull(part.warning());
        assertArrayEquals(whole.pixels(), part.pixels());
    }

    @ParameterizedTest(name = "{0}x{1} subsampling {2}")
    @CsvSource({"1024, 768, 0", "1024, 768, 1", "1024, 768, 2", "1024, 768, 4", "1024, 768, 5",
            "1001, 667, 2", "1001, 667, 0", "333, 1201, 1"})
    void rgbIsIdenticalAtEveryChromaSubsampling(int w, int h, int subsamp) throws Exception {
        assertSameAtEighth(progressive(TestImages.photo(w, h, subsamp + w), TurboJpeg.TJPF_RGB, subsamp), TurboJpeg.TJPF_RGB, 3);
    }

    @Test
    void greyIsIdentical() throws Exception {
        PixelBuffer grey = channels(TestImages.photo(900, 700, 7), 1);
        assertSameAtEighth(progressive(grey, TurboJpeg.TJPF_GRAY, TurboJpeg.TJSAMP_GRAY), TurboJpeg.TJPF_GRAY, 1);
    }

    @Test
    void cmykIsIdentical() throws Exception {
        PixelBuffer cmyk = channels(TestImages.photo(800, 640, 8), 4);
        assertSameAtEighth(progressive(cmyk, TurboJpeg.TJPF_CMYK, TJSAMP_444), TurboJpeg.TJPF_CMYK, 4);
        assertSameAtEighth(progressive(cmyk, TurboJpeg.TJPF_CMYK, TurboJpeg.TJSAMP_420), TurboJpeg.TJPF_CMYK, 4);
    }

    @Test
    void imageIoProgressionWithSuccessiveApproximationIsIdentical() throws Exception {
        // ImageIO writes libjpeg's standard script: DC and AC in successive-approximation passes.
        assertSameAtEighth(TestImages.imageIoProgressiveJpeg(TestImages.photo(1280, 960, 9)), TurboJpeg.TJPF_RGB, 3);
    }

    @Test
    void codecDecodesPrunedStreamWhenItShrinksByEight() throws Exception {
        PixelBuffer src = TestImages.photo(2048, 1536, 10);
        byte[] j = progressive(src, TurboJpeg.TJPF_RGB, TurboJpeg.TJSAMP_420);
        Decoded d = Codecs.decode(j, new DecodeOptions(256, 192, DecodeOptions.DEFAULT_MAX_PIXELS, false, true));
        assertEquals("256x192", d.pixels().width() + "x" + d.pixels().height());
        assertArrayEquals(TJ.decompress(j, 256, 192, TurboJpeg.TJPF_RGB, 3, false).pixels(), d.pixels().data());
    }

    @Test
    void leavesOtherStreamsAlone() throws Exception {
        PixelBuffer src = TestImages.photo(640, 480, 11);
        byte[] baseline = TJ.compress(src.data(), 640, 480, TurboJpeg.TJPF_RGB, 3, TurboJpeg.TJSAMP_420, 90);
        assertNull(ScanPruner.forEighthScale(baseline), "baseline: every scan is interleaved");
        byte[] prog = progressive(src, TurboJpeg.TJPF_RGB, TurboJpeg.TJSAMP_420);
        assertNotNull(ScanPruner.forEighthScale(prog));
        for (int cut : new int[]{prog.length - 2, prog.length / 2, prog.length / 5, 3}) {
            assertNull(ScanPruner.forEighthScale(Arrays.copyOf(prog, cut)), "truncated at " + cut + ": the decoder reports it");
        }
        assertNull(ScanPruner.forEighthScale(new byte[]{1, 2, 3, 4, 5}));
    }

    @Test
    void keepsEveryScanWhenNoQuantisationTableIsFullResolutionOnly() throws Exception {
        // 4:2:0 whose chroma shares the luma table: zeroing that table's first AC entry would change
        // the chroma, which is decoded with its AC coefficients, so nothing may be left out.
        byte[] j = progressive(TestImages.photo(640, 480, 12), TurboJpeg.TJPF_RGB, TurboJpeg.TJSAMP_420);
        int sof = indexOfMarker(j, 0xC2);
        for (int c = 0; c < 3; c++) j[sof + 12 + 3 * c] = 0;
        assertNull(ScanPruner.forEighthScale(j));
        // Its 4:4:4 sibling has only full-resolution components: any table will do.
        byte[] k = progressive(TestImages.photo(640, 480, 12), TurboJpeg.TJPF_RGB, TJSAMP_444);
        int sof444 = indexOfMarker(k, 0xC2);
        for (int c = 0; c < 3; c++) k[sof444 + 12 + 3 * c] = 0;
        assertSameAtEighth(k, TurboJpeg.TJPF_RGB, 3);
    }

    @Test
    void damagedStreamsGiveNullOrAStreamNeverAnException() {
        // Header and marker damage of every kind: the pruner must answer null (decode as is) or a
        // stream, and leave reporting to the decoder. Strict decoding of either must not crash.
        byte[] j;
        try {
            j = progressive(TestImages.photo(320, 240, 14), TurboJpeg.TJPF_RGB, TurboJpeg.TJSAMP_420);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        java.util.Random rnd = new java.util.Random(15);
        int headerEnd = indexOfMarker(j, 0xDA) + 40;
        for (int i = 0; i < 3000; i++) {
            byte[] d = j.clone();
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = rnd.nextInt(i % 3 == 0 ? d.length : headerEnd);
                d[at] = (byte) (rnd.nextInt(3) == 0 ? 0xFF : rnd.nextInt(256));
            }
            if (i % 5 == 0) d = Arrays.copyOf(d, rnd.nextInt(d.length));
            byte[] pruned = ScanPruner.forEighthScale(d);
            if (pruned != null) assertTrue(pruned.length <= d.length);
        }
        // Segments whose length field is too short for their fixed fields, at the end of the data.
        int sof = indexOfMarker(j, 0xC2), sos = indexOfMarker(j, 0xDA);
        byte[] shortSof = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC2, 0, 2};
        byte[] shortSos = Arrays.copyOf(j, sos + 4);
        shortSos[sos + 2] = 0;
        shortSos[sos + 3] = 2;
        assertNull(ScanPruner.forEighthScale(shortSof));
        assertNull(ScanPruner.forEighthScale(shortSos));
        assertNull(ScanPruner.forEighthScale(Arrays.copyOf(j, sof + 4)));
    }

    @Test
    void progressiveEncodingLeavesThePooledEncodersBaseline() throws Exception {
        // TurboJPEG 2.1 keeps the progressive script on a handle; a pooled one made corrupt output.
        PixelBuffer src = TestImages.photo(320, 240, 13);
        for (int i = 0; i < 3; i++) progressive(src, TurboJpeg.TJPF_RGB, TurboJpeg.TJSAMP_420);
        byte[] j = TJ.compress(src.data(), 320, 240, TurboJpeg.TJPF_RGB, 3, TurboJpeg.TJSAMP_420, 90);
        assertTrue(TestImages.hasMarker(j, 0xC0), "baseline SOF0");
        assertNull(TJ.decompress(j, 320, 240, TurboJpeg.TJPF_RGB, 3, true).warning());
    }

    static int indexOfMarker(byte[] j, int marker) {
        for (int i = 0; i + 1 < j.length; i++) if ((j[i] & 0xFF) == 0xFF && (j[i + 1] & 0xFF) == marker) return i;
        throw new AssertionError("no marker " + Integer.toHexString(marker));
    }
}
