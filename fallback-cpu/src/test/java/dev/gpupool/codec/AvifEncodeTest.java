package dev.gpupool.codec;

import dev.gpupool.image.PixelBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * AVIF through libavif, checked by an independent reader: libavif-bin's {@code avifdec} ({@code --info}
 * for the chroma format and alpha, then to PNG for ImageIO).
 */
class AvifEncodeTest {
    @TempDir
    Path tmp;

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    private static PixelBuffer withAlpha(PixelBuffer rgb) {
        int n = (int) rgb.pixels();
        byte[] d = new byte[n * 4];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rgb.data(), i * 3, d, i * 4, 3);
            d[i * 4 + 3] = (byte) (i % rgb.width() < rgb.width() / 2 ? 255 : 0); // right half transparent
        }
        return new PixelBuffer(rgb.width(), rgb.height(), 4, d);
    }

    @Test
    void encodesRgbAndRgbaAt420And444() throws Exception {
        assertTrue(LibAvif.INSTANCE.available, LibAvif.INSTANCE.description + " (install libavif15)");
        PixelBuffer rgb = TestImages.photo(96, 64, 7);
        for (PixelBuffer src : new PixelBuffer[]{rgb, withAlpha(rgb)}) {
            for (Subsample s : new Subsample[]{Subsample.S420, Subsample.S444}) {
                String what = src.channels() + " channels, " + s;
                byte[] avif = Codecs.encode(src, new EncodeOptions(OutputFormat.AVIF, 85, 0, false, s, false));
                assertEquals("ftyp", new String(avif, 4, 4, "US-ASCII"), what);
                Path f = tmp.resolve("t" + src.channels() + s + ".avif"), png = tmp.resolve("t" + src.channels() + s + ".png");
                Files.write(f, avif);
                String info = run("avifdec", "--info", f.toString());
                assertTrue(info.contains("Resolution     : 96x64"), what + ":\n" + info);
                assertTrue(info.contains("Format         : YUV" + s), what + ":\n" + info);
                assertTrue(info.contains("Alpha          : " + (src.channels() == 4 ? "Not premultiplied" : "Absent")), what + ":\n" + info);
                run("avifdec", f.toString(), png.toString());
                BufferedImage back = ImageIO.read(png.toFile());
                assertEquals(96, back.getWidth(), what);
                assertEquals(64, back.getHeight(), what);
                assertEquals(src.channels() == 4, back.getColorModel().hasAlpha(), what);
                PixelBuffer px = Codecs.toPixels(back);
                if (src.channels() == 4) {
                    assertEquals(255, px.data()[3] & 0xFF, what + ": opaque left");
                    assertEquals(0, px.data()[(95) * 4 + 3] & 0xFF, what + ": transparent right");
                } else {
                    assertTrue(TestImages.psnr(src, px) > 25, what + ": psnr " + TestImages.psnr(src, px));
                }
            }
        }
    }

    @Test
    void autoSubsamplingIs444AtHighQualityAndGreyBecomesColour() throws Exception {
        assertTrue(LibAvif.INSTANCE.available, LibAvif.INSTANCE.description);
        PixelBuffer grey = new PixelBuffer(40, 30, 1, new byte[40 * 30]);
        for (int[] qf : new int[][]{{95, 444}, {80, 420}}) {
            Path f = tmp.resolve("g" + qf[0] + ".avif");
            Files.write(f, Codecs.encode(grey, new EncodeOptions(OutputFormat.AVIF, qf[0], 0)));
            String info = run("avifdec", "--info", f.toString());
            assertTrue(info.contains("Format         : YUV" + qf[1]) && info.contains("Resolution     : 40x30"), info);
        }
    }

    @Test
    void qualityMapsToTheQuantizerAndSmallerFilesAtLowerQuality() throws Exception {
        assertEquals(0, LibAvif.quantizer(100));
        assertEquals(9, LibAvif.quantizer(85));
        assertEquals(32, LibAvif.quantizer(50));
        assertEquals(62, LibAvif.quantizer(1));
        assertTrue(LibAvif.INSTANCE.available, LibAvif.INSTANCE.description);
        PixelBuffer src = TestImages.photo(128, 96, 3);
        byte[] hi = Codecs.encode(src, new EncodeOptions(OutputFormat.AVIF, 95, 0, false, Subsample.S420, false, 8));
        byte[] lo = Codecs.encode(src, new EncodeOptions(OutputFormat.AVIF, 30, 0, false, Subsample.S420, false, 8));
        assertTrue(lo.length < hi.length, lo.length + " < " + hi.length);
        assertThrows(IllegalArgumentException.class, () -> new EncodeOptions(OutputFormat.AVIF, 85, 0, false, Subsample.AUTO, false, 11));
        assertEquals(OutputFormat.AVIF, OutputFormat.parse("AVIF"));
        assertEquals("avif", OutputFormat.AVIF.extension());
        assertTrue(Codecs.describe().stream().anyMatch(l -> l.startsWith("avif: encode only, libavif 0.11.1 via FFM")), Codecs.describe().toString());
    }

    @Test
    void metadataSettersAreBoundVoidIn011AndAvifResultFrom1() {
        // 0.11 declares them void: an int return there would read whatever rax held
        assertFalse(LibAvif.settersReturnResult("0.11.1"));
        assertTrue(LibAvif.setterDescriptor("0.11.1").returnLayout().isEmpty());
        for (String v : new String[]{"1.0.4", "1.2.1", "2.0.0"}) {
            assertTrue(LibAvif.settersReturnResult(v), v);
            assertEquals(java.lang.foreign.ValueLayout.JAVA_INT, LibAvif.setterDescriptor(v).returnLayout().orElseThrow(), v);
        }
        assertEquals(3, LibAvif.setterDescriptor("1.0.0").argumentLayouts().size());
        assertThrows(IllegalArgumentException.class, () -> LibAvif.settersReturnResult("x.y"));
    }

    @Test
    void metadataCannotBeSplicedIntoAnEncodedAvifAndIsNotDroppedSilently() throws Exception {
        byte[] avif = Codecs.encode(TestImages.photo(16, 16, 1), new EncodeOptions(OutputFormat.AVIF, 85, 0));
        ImageMetadata xmp = new ImageMetadata(null, "<x/>".getBytes(java.nio.charset.StandardCharsets.UTF_8), null, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> xmp.embedInto(avif, OutputFormat.AVIF));
        assertTrue(e.getMessage().contains("Codecs.encode(pixels, options, metadata)"), e.getMessage());
        assertSame(avif, ImageMetadata.NONE.embedInto(avif, OutputFormat.AVIF), "nothing to write: the bytes as they are");
    }
}
