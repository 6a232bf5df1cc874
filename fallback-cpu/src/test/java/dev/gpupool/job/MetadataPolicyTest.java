package dev.gpupool.job;

import dev.gpupool.codec.Codecs;
import dev.gpupool.codec.DecodeOptions;
import dev.gpupool.codec.EncodeOptions;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
import org.junit.jupiter.api.Test;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metadata policy (--strip, --keep-metadata, --keep-icc) on JPEG, PNG and WebP outputs, checked by
 * {@link Containers}, a container reader independent of the production code.
 */
class MetadataPolicyTest {
    static final List<OutputFormat> ALL = List.of(OutputFormat.JPEG, OutputFormat.PNG, OutputFormat.WEBP);
    static final byte[] XMP = ("<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
            + "<rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/' dc:creator='gpupool test'/></rdf:RDF></x:xmpmeta>")
            .getBytes(StandardCharsets.UTF_8);
    static final byte[] IPTC = iptc("a caption");
    static final byte[] ICC = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
    static final String DATE = "2024:01:02 03:04:05";
    static final int GREY = 100;

    static byte[] iptc(String caption) {
        byte[] c = caption.getBytes(StandardCharsets.ISO_8859_1);
        byte[] r = new byte[5 + c.length];
        r[0] = 0x1C; r[1] = 2; r[2] = 120; r[3] = 0; r[4] = (byte) c.length;
        System.arraycopy(c, 0, r, 5, c.length);
        return r;
    }

    /** Little-endian TIFF: IFD0 (Orientation, Exif IFD pointer) -> IFD1 (a JPEG thumbnail); the Exif IFD holds DateTimeOriginal. */
    static byte[] exif(int orientation, byte[] thumbnail) {
        java.nio.ByteBuffer t = java.nio.ByteBuffer.allocate(106 + thumbnail.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        t.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        t.putShort((short) 2);
        t.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        t.putShort((short) 0x8769).putShort((short) 4).putInt(1).putInt(38);
        t.putInt(76); // next IFD: IFD1
        t.putShort((short) 1); // Exif IFD at 38
        t.putShort((short) 0x9003).putShort((short) 2).putInt(20).putInt(56);
        t.putInt(0);
        t.put((DATE + "\0").getBytes(StandardCharsets.ISO_8859_1)); // at 56, 20 bytes
        t.putShort((short) 2); // IFD1 at 76
        t.putShort((short) 0x0201).putShort((short) 4).putInt(1).putInt(106);
        t.putShort((short) 0x0202).putShort((short) 4).putInt(1).putInt(thumbnail.length);
        t.putInt(0);
        t.put(thumbnail); // at 106
        return t.array();
    }

    static void segment(ByteArrayOutputStream out, int marker, String head, byte[] data) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        int len = 2 + h.length + data.length;
        out.write(0xFF); out.write(marker); out.write(len >> 8); out.write(len);
        out.writeBytes(h);
        out.writeBytes(data);
    }

    /** A 64x32 flat grey JPEG (in the linear-RGB profile when {@code icc}) with the given EXIF, XMP and IPTC. */
    static byte[] source(byte[] exif, boolean icc) throws IOException {
        byte[] rgb = new byte[64 * 32 * 3];
        Arrays.fill(rgb, (byte) GREY);
        byte[] plain = Codecs.encode(new PixelBuffer(64, 32, 3, rgb), new EncodeOptions(OutputFormat.JPEG, 95, 0));
        int p = 2;
        while ((plain[p + 1] & 0xFF) == 0xE0) p += 2 + Containers.be16(plain, p + 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, p);
        if (exif != null) segment(out, 0xE1, "Exif\0\0", exif);
        segment(out, 0xE1, "http://ns.adobe.com/xap/1.0/\0", XMP);
        if (icc) segment(out, 0xE2, "ICC_PROFILE\0\1\1", ICC);
        byte[] irb = new byte[12 + IPTC.length + (IPTC.length & 1)];
        System.arraycopy("8BIM".getBytes(StandardCharsets.ISO_8859_1), 0, irb, 0, 4);
        irb[4] = 4; irb[5] = 4; irb[11] = (byte) IPTC.length;
        System.arraycopy(IPTC, 0, irb, 12, IPTC.length);
        segment(out, 0xED, "Photoshop 3.0\0", irb);
        out.write(plain, p, plain.length - p);
        return out.toByteArray();
    }

    static byte[] thumb() throws IOException {
        return Codecs.encode(new PixelBuffer(8, 8, 3, new byte[8 * 8 * 3]), new EncodeOptions(OutputFormat.JPEG, 50, 0));
    }

    static MemoryJob.Result render(byte[] src, List<OutputFormat> formats, boolean keepMetadata, boolean keepIcc) throws IOException {
        ThumbnailSpec d = ThumbnailSpec.defaults();
        List<BoxSize> sizes = formats.stream().map(f -> new BoxSize(256, 256)).toList();
        ThumbnailSpec spec = new ThumbnailSpec(sizes, d.fit(), d.filter(), null, 95, false, true, d.background(), d.maxPixels(), false)
                .withMetadata(keepMetadata, keepIcc);
        return MemoryJob.render(src, spec, formats, Resampler::resize);
    }

    /** The first pixel's first sample, decoded without any colour conversion. */
    static int sample(byte[] file) throws IOException {
        DecodeOptions raw = new DecodeOptions(0, 0, DecodeOptions.DEFAULT_MAX_PIXELS, false, true, null, false, true);
        return Codecs.decode(file, raw).pixels().data()[0] & 0xFF;
    }

    @Test
    void theDefaultStripsEverything() throws IOException {
        MemoryJob.Result r = render(source(exif(6, thumb()), true), ALL, false, false);
        for (MemoryJob.Output o : r.outputs()) {
            Containers.Found f = Containers.read(o.bytes());
            assertNull(f.exif(), o.format() + " EXIF");
            assertNull(f.xmp(), o.format() + " XMP");
            assertNull(f.iptc(), o.format() + " IPTC");
            assertNull(f.icc(), o.format() + " ICC");
            assertEquals(32, o.width(), "rotated upright");
            // converted from linear RGB to sRGB: a linear 100/255 is about 170 in sRGB
            assertTrue(sample(o.bytes()) > 150, o.format() + " converted: " + sample(o.bytes()));
        }
    }

    @Test
    void keepMetadataKeepsExifUprightWithoutItsThumbnailAndXmpAndIptc() throws IOException {
        byte[] src = source(exif(6, thumb()), false);
        MemoryJob.Result r = render(src, ALL, true, false);
        assertEquals(List.of(), r.warnings());
        for (MemoryJob.Output o : r.outputs()) {
            Containers.Found f = Containers.read(o.bytes());
            assertEquals(32, o.width());
            assertEquals(64, o.height());
            assertNotNull(f.exif(), o.format() + " EXIF");
            assertEquals(1, Containers.orientation(f.exif()), o.format() + " orientation");
            assertEquals(0, Containers.ifd1Offset(f.exif()), o.format() + " IFD1 unlinked");
            assertEquals(DATE, Containers.exifIfdString(f.exif(), 0x9003), o.format() + " Exif IFD intact");
            assertEquals(76, f.exif().length, o.format() + " IFD1 and the thumbnail's bytes are cut off");
            assertArrayEquals(XMP, f.xmp(), o.format() + " XMP");
            assertNull(f.icc(), o.format() + " ICC only with --keep-icc");
            if (o.format() == OutputFormat.JPEG) {
                assertArrayEquals(IPTC, f.iptc(), "IPTC");
                assertEquals(List.of("APP0", "EXIF", "XMP", "IPTC"), f.order());
            }
            // still decodes, and as the same pixels
            assertEquals(32, Codecs.decode(o.bytes(), DecodeOptions.defaults()).pixels().width(), o.format() + " decodes upright");
        }
    }

    @Test
    void keepIccEmbedsTheSourceProfileAndLeavesThePixels() throws IOException {
        MemoryJob.Result r = render(source(null, true), ALL, false, true);
        for (MemoryJob.Output o : r.outputs()) {
            Containers.Found f = Containers.read(o.bytes());
            assertArrayEquals(ICC, f.icc(), o.format() + " ICC");
            assertNull(f.exif(), o.format() + " EXIF");
            assertNull(f.xmp(), o.format() + " XMP");
            int s = sample(o.bytes());
            assertTrue(Math.abs(s - GREY) <= 3, o.format() + " not converted: " + s);
        }
    }

    @Test
    void metadataSurvivesPngAndWebpSourcesToo() throws IOException {
        byte[] jpeg = source(exif(6, thumb()), true);
        byte[] png = render(jpeg, List.of(OutputFormat.PNG), true, true).outputs().getFirst().bytes();
        byte[] webp = render(png, List.of(OutputFormat.WEBP), true, true).outputs().getFirst().bytes();
        MemoryJob.Result back = render(webp, List.of(OutputFormat.JPEG), true, true);
        Containers.Found f = Containers.read(back.outputs().getFirst().bytes());
        assertArrayEquals(ICC, f.icc());
        assertArrayEquals(XMP, f.xmp());
        assertEquals(1, Containers.orientation(f.exif()));
        assertEquals(DATE, Containers.exifIfdString(f.exif(), 0x9003));
        assertNull(f.iptc(), "PNG and WebP carry no IPTC");
        assertEquals(32, back.outputs().getFirst().width());
        assertTrue(Math.abs(sample(back.outputs().getFirst().bytes()) - GREY) <= 4, "never converted on the way");
    }

    @Test
    void malformedExifIsDroppedWithAWarningNeverFailingTheImage() throws IOException {
        byte[] bad = exif(6, thumb());
        bad[4] = (byte) 0xF0; bad[5] = 0x7F; // IFD0 offset far outside the block
        MemoryJob.Result r = render(source(bad, false), ALL, true, false);
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("EXIF not kept")), r.warnings().toString());
        for (MemoryJob.Output o : r.outputs()) {
            Containers.Found f = Containers.read(o.bytes());
            assertNull(f.exif(), o.format() + " EXIF");
            assertArrayEquals(XMP, f.xmp(), o.format() + " XMP still kept");
        }
        byte[] loop = exif(6, thumb());
        loop[38 + 2 + 8] = 8; loop[38 + 2 + 9] = 0; loop[38 + 2 + 10] = 0; loop[38 + 2 + 11] = 0; // DateTimeOriginal past the end
        loop[38 + 2 + 4] = (byte) 0xFF; loop[38 + 2 + 5] = (byte) 0xFF; // count 65535
        assertEquals(3, render(source(loop, false), ALL, true, false).outputs().size());
    }

    @Test
    void theWorkerRequestCarriesThePolicy() throws IOException {
        ThumbnailSpec spec = ThumbnailSpec.defaults().withMetadata(true, true);
        ThumbnailRequest req = new ThumbnailRequest("x", java.nio.file.Path.of("x.jpg"), null, List.of(java.nio.file.Path.of("y.jpg")), spec);
        ThumbnailSpec back = ThumbnailRequest.fromBytes(req.toBytes()).spec();
        assertTrue(back.keepMetadata());
        assertTrue(back.keepIcc());
        assertFalse(ThumbnailSpec.defaults().keepMetadata(), "strip by default");
        assertFalse(ThumbnailSpec.defaults().keepIcc(), "convert to sRGB by default");
    }

    /** exiftool, when installed (Debian libimage-exiftool-perl; CI installs it), reads the outputs as we wrote them. */
    @Test
    void exiftoolReadsTheKeptMetadata(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(exiftool("-ver").startsWith("1"), "exiftool not installed");
        MemoryJob.Result r = render(source(exif(6, thumb()), true), ALL, true, true);
        for (MemoryJob.Output o : r.outputs()) {
            java.nio.file.Path f = tmp.resolve("t." + o.format().name().toLowerCase(java.util.Locale.ROOT));
            java.nio.file.Files.write(f, o.bytes());
            String out = exiftool("-G1", "-n", "-a", "-Orientation", "-ThumbnailLength", "-XMP-dc:Creator", "-DateTimeOriginal",
                    "-ICC_Profile:ProfileClass", "-IPTC:Caption-Abstract", "-Warning", "-Error", f.toString());
            assertTrue(out.contains("[IFD0]          Orientation                     : 1"), o.format() + "\n" + out);
            assertFalse(out.contains("ThumbnailLength"), o.format() + " no IFD1 thumbnail\n" + out);
            assertTrue(out.contains("gpupool test"), o.format() + " XMP creator\n" + out);
            assertTrue(out.contains(DATE), o.format() + " DateTimeOriginal\n" + out);
            assertTrue(out.contains("[ICC-header]"), o.format() + " ICC\n" + out);
            assertFalse(out.contains("Warning") || out.contains("Error"), o.format() + " exiftool complains\n" + out);
            if (o.format() == OutputFormat.JPEG) assertTrue(out.contains("a caption"), "IPTC\n" + out);
        }
    }

    static String exiftool(String... args) throws InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("exiftool"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "";
        }
    }
}
