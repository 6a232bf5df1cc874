package dev.gpupool.cli;

import dev.gpupool.codec.Codecs;
import dev.gpupool.codec.EncodeOptions;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.PixelBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.gpupool.cli.CliRun.gpupool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --strip, --keep-metadata and --keep-icc reach the written files (the container details: MetadataPolicyTest). */
class CliMetadataTest {
    @TempDir
    Path tmp;

    static final byte[] ICC = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();

    /** A 40x20 JPEG with an EXIF of orientation 6 (big-endian, no IFD1), an XMP packet and a linear-RGB profile. */
    static byte[] photo() throws Exception {
        byte[] plain = Codecs.encode(new PixelBuffer(40, 20, 3, new byte[40 * 20 * 3]), new EncodeOptions(OutputFormat.JPEG, 90, 0));
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, 2);
        segment(out, 0xE1, "Exif\0\0", tiff);
        segment(out, 0xE1, "http://ns.adobe.com/xap/1.0/\0", "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>".getBytes(StandardCharsets.UTF_8));
        segment(out, 0xE2, "ICC_PROFILE\0\1\1", ICC);
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }

    static void segment(ByteArrayOutputStream out, int marker, String head, byte[] data) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        int len = 2 + h.length + data.length;
        out.write(0xFF); out.write(marker); out.write(len >> 8); out.write(len);
        out.writeBytes(h);
        out.writeBytes(data);
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }

    static boolean contains(byte[] hay, String needle) {
        return contains(hay, needle.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void theDefaultStripsAndTheKeepOptionsKeep() throws Exception {
        Path in = tmp.resolve("in.jpg");
        Files.write(in, photo());
        for (String ext : new String[]{"jpg", "png", "webp"}) {
            Path stripped = tmp.resolve("s_in." + ext), kept = tmp.resolve("k_in." + ext);
            CliRun r = gpupool("thumbnails", in.toString(), "-o", tmp.resolve("s_%s." + ext).toString(), "--backend", "cpu-threads");
            assertEquals(0, r.status(), r.err());
            byte[] s = Files.readAllBytes(stripped);
            assertFalse(contains(s, "adobe:ns:meta"), ext + " XMP stripped");
            assertFalse(contains(s, ICC), ext + " ICC stripped");
            assertFalse(contains(s, new byte[]{'M', 'M', 0, 42}), ext + " EXIF stripped");

            r = gpupool("thumbnails", in.toString(), "-o", tmp.resolve("k_%s." + ext).toString(), "--backend", "cpu-threads", "--keep-metadata", "--keep-icc");
            assertEquals(0, r.status(), r.err());
            byte[] k = Files.readAllBytes(kept);
            assertTrue(contains(k, "adobe:ns:meta"), ext + " XMP kept");
            assertTrue(contains(k, new byte[]{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1}), ext + " EXIF kept, orientation 1");
            if (!ext.equals("png")) assertTrue(contains(k, ICC), ext + " ICC kept"); // PNG stores it deflated
            else assertTrue(contains(k, "iCCP"), "png iCCP");
        }
    }

    /** Worker processes (--backend cpu: the spec crosses as bytes) and a device (the OpenCL resizer writes the outputs) keep it too. */
    @Test
    void everyBackendWritesTheKeptMetadata() throws Exception {
        Path in = tmp.resolve("in.jpg");
        Files.write(in, photo());
        for (String backend : new String[]{"cpu", "opencl"}) {
            CliRun r = gpupool("thumbnails", in.toString(), "-o", tmp.resolve(backend + "_%s.jpg").toString(), "--backend", backend,
                    "-j", "1", "--keep-metadata", "--keep-icc");
            if (backend.equals("opencl") && r.status() == 3 && System.getenv("CI") == null) continue; // no OpenCL here
            assertEquals(0, r.status(), backend + ": " + r.err());
            byte[] k = Files.readAllBytes(tmp.resolve(backend + "_in.jpg"));
            assertTrue(contains(k, new byte[]{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1}), backend + " EXIF");
            assertTrue(contains(k, ICC), backend + " ICC");
            assertTrue(contains(k, "adobe:ns:meta"), backend + " XMP");
        }
    }

    @Test
    void stripConflictsWithKeepAndHelpShowsThem() {
        CliRun r = gpupool("thumbnails", "x.jpg", "-o", tmp.toString(), "--strip", "--keep-icc");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--strip cannot be combined with --keep-icc"), r.err());
        String help = gpupool("thumbnails", "--help").out();
        for (String o : new String[]{"--strip", "--keep-metadata", "--keep-icc"}) assertTrue(help.contains(o), o);
    }
}
