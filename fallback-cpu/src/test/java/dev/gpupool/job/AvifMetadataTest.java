package dev.gpupool.job;

import dev.gpupool.codec.Codecs;
import dev.gpupool.codec.DecodeOptions;
import dev.gpupool.codec.OutputFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.gpupool.job.MetadataPolicyTest.DATE;
import static dev.gpupool.job.MetadataPolicyTest.GREY;
import static dev.gpupool.job.MetadataPolicyTest.ICC;
import static dev.gpupool.job.MetadataPolicyTest.XMP;
import static dev.gpupool.job.MetadataPolicyTest.exif;
import static dev.gpupool.job.MetadataPolicyTest.render;
import static dev.gpupool.job.MetadataPolicyTest.source;
import static dev.gpupool.job.MetadataPolicyTest.thumb;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metadata policy on AVIF outputs (written by libavif's own encoder, not spliced in as for JPEG, PNG
 * and WebP), read back by two independent readers: libavif-bin's {@code avifdec --info} (which blocks
 * are present) and exiftool (libimage-exiftool-perl: what is in them, the blocks' raw bytes with
 * {@code -b}). Both are installed by CI; the tests fail, not skip, without them.
 */
class AvifMetadataTest {
    @TempDir
    Path tmp;

    private static final List<OutputFormat> AVIF = List.of(OutputFormat.AVIF);

    /** Runs {@code cmd}, which must exit 0; its standard output as bytes (exiftool's -b is binary). */
    private static byte[] run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + new String(out, StandardCharsets.UTF_8));
        return out;
    }

    private static String text(String... cmd) throws IOException, InterruptedException {
        return new String(run(cmd), StandardCharsets.UTF_8);
    }

    /** The single AVIF output of {@code src} under the policy, written to a file. */
    private Path avif(byte[] src, boolean keepMetadata, boolean keepIcc, String name) throws IOException {
        MemoryJob.Result r = render(src, AVIF, keepMetadata, keepIcc);
        assertEquals(List.of(), r.warnings());
        MemoryJob.Output o = r.outputs().getFirst();
        assertEquals(OutputFormat.AVIF, o.format());
        assertEquals(32, o.width(), "rotated upright");
        assertEquals(64, o.height(), "rotated upright");
        Path f = tmp.resolve(name + ".avif");
        Files.write(f, o.bytes());
        return f;
    }

    /** avifdec's "ICC Profile", "XMP Metadata" and "Exif Metadata" lines, e.g. {@code [Absent, Present (173 bytes), ...]}. */
    private static List<String> blocks(Path f) throws Exception {
        String info = text("avifdec", "--info", f.toString());
        List<String> r = new ArrayList<>();
        for (String key : new String[]{"ICC Profile    : ", "XMP Metadata   : ", "Exif Metadata  : "}) {
            int at = info.indexOf(key);
            assertTrue(at >= 0, key + "\n" + info);
            int end = info.indexOf('\n', at);
            r.add(info.substring(at + key.length(), end < 0 ? info.length() : end).trim());
        }
        assertTrue(info.contains("Resolution     : 32x64"), info);
        return r;
    }

    /** The first sample of the first pixel as avifdec decodes it, the ICC profile ignored (no conversion). */
    private int sample(Path avif) throws Exception {
        Path png = tmp.resolve(avif.getFileName() + ".png");
        run("avifdec", "--ignore-icc", avif.toString(), png.toString());
        DecodeOptions raw = new DecodeOptions(0, 0, DecodeOptions.DEFAULT_MAX_PIXELS, false, true, null, false, true);
        return Codecs.decode(Files.readAllBytes(png), raw).pixels().data()[0] & 0xFF;
    }

    @Test
    void keepMetadataWritesExifUprightWithoutItsThumbnailAndXmp() throws Exception {
        Path f = avif(source(exif(6, thumb()), false), true, false, "meta");
        List<String> b = blocks(f);
        assertEquals("Absent", b.get(0), "ICC only with --keep-icc");
        assertTrue(b.get(1).startsWith("Present"), "XMP " + b);
        assertTrue(b.get(2).startsWith("Present"), "EXIF " + b);

        String tags = text("exiftool", "-G1", "-n", "-a", "-Orientation", "-ThumbnailLength", "-XMP-dc:Creator",
                "-DateTimeOriginal", "-Warning", "-Error", f.toString());
        assertTrue(tags.contains("[IFD0]          Orientation                     : 1"), tags);
        assertFalse(tags.contains("ThumbnailLength"), "no IFD1 thumbnail\n" + tags);
        assertTrue(tags.contains("gpupool test"), "XMP creator\n" + tags);
        assertTrue(tags.contains(DATE), "DateTimeOriginal\n" + tags);
        assertFalse(tags.contains("Warning") || tags.contains("Error"), "exiftool complains\n" + tags);

        byte[] exif = run("exiftool", "-b", "-EXIF", f.toString());
        assertEquals(1, Containers.orientation(exif));
        assertEquals(0, Containers.ifd1Offset(exif), "IFD1 unlinked");
        assertEquals(76, exif.length, "IFD1 and the thumbnail's bytes cut off, as in the other formats");
        assertArrayEquals(XMP, run("exiftool", "-b", "-XMP", f.toString()), "XMP as the source had it");
    }

    @Test
    void keepIccWritesTheSourceProfileAndLeavesThePixels() throws Exception {
        Path f = avif(source(exif(6, thumb()), true), false, true, "icc");
        List<String> b = blocks(f);
        assertEquals("Present (" + ICC.length + " bytes)", b.get(0), "ICC " + b);
        assertEquals("Absent", b.get(1), "XMP only with --keep-metadata");
        assertEquals("Absent", b.get(2), "EXIF only with --keep-metadata");
        assertArrayEquals(ICC, run("exiftool", "-b", "-ICC_Profile", f.toString()), "the source's profile, byte for byte");
        int s = sample(f);
        assertTrue(Math.abs(s - GREY) <= 3, "not converted to sRGB: " + s);
    }

    @Test
    void bothTogetherAndStripWritesNothing() throws Exception {
        byte[] src = source(exif(6, thumb()), true);
        List<String> both = blocks(avif(src, true, true, "both"));
        assertTrue(both.stream().allMatch(s -> s.startsWith("Present")), both.toString());

        Path stripped = avif(src, false, false, "strip");
        assertEquals(List.of("Absent", "Absent", "Absent"), blocks(stripped));
        String tags = text("exiftool", "-G1", "-a", "-EXIF:all", "-XMP:all", "-ICC_Profile:all", stripped.toString());
        assertEquals("", tags.trim(), "no metadata under --strip\n" + tags);
        // converted from linear RGB to sRGB: a linear 100/255 is about 170 in sRGB
        assertTrue(sample(stripped) > 150, "converted: " + sample(stripped));
    }
}
