package dev.gpupool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpupool.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.gpupool.cli.CliRun.gpupool;
import static org.junit.jupiter.api.Assertions.*;

/** {@code -f avif} end to end: .avif files that libavif-bin's avifdec reads, listed in the report. */
public class AvifCliTest {
    @TempDir
    Path tmp;

    private static String avifdecInfo(Path f) throws Exception {
        Process p = new ProcessBuilder("avifdec", "--info", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void formatAvifWritesAvifFiles() throws Exception {
        Path a = TestImages.write(tmp.resolve("in/a.png"), 300, 200, "png");
        Path out = tmp.resolve("out"), report = tmp.resolve("r.json");
        CliRun r = gpupool("thumbnails", a.toString(), "-o", out.toString(), "-s", "100,64", "-f", "avif", "-q", "95",
                "--backend", "cpu-threads", "--report", report.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode outputs = new ObjectMapper().readTree(report.toFile()).get("items").get(0).get("outputs");
        assertEquals(2, outputs.size());
        String[][] expect = {{"a_100.avif", "100x67"}, {"a_64.avif", "64x43"}};
        for (int i = 0; i < 2; i++) {
            Path f = out.resolve(expect[i][0]);
            assertEquals(f.toAbsolutePath().toString(), outputs.get(i).get("path").asText());
            assertTrue(Files.size(f) > 0);
            String info = avifdecInfo(f);
            assertTrue(info.contains("Resolution     : " + expect[i][1]), info);
            assertTrue(info.contains("Format         : YUV444"), "q95 with --subsample auto is 4:4:4:\n" + info);
        }
        Path s420 = tmp.resolve("s420");
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", s420.toString(), "-s", "100", "-f", "avif", "--subsample", "420",
                "-q", "95", "--backend", "cpu-threads").status());
        assertTrue(avifdecInfo(s420.resolve("a.avif")).contains("Format         : YUV420"));
    }

    /**
     * --keep-metadata and --keep-icc reach AVIF files too, from the in-process pool and from worker processes
     * (the spec crosses as bytes); the default writes none (the blocks' contents: AvifMetadataTest).
     */
    @Test
    void keepOptionsWriteMetadataIntoAvifOnEveryCpuBackend() throws Exception {
        Path in = tmp.resolve("in.jpg");
        Files.write(in, CliMetadataTest.photo());
        for (String backend : new String[]{"cpu-threads", "cpu"}) {
            Path kept = tmp.resolve(backend + "_k"), stripped = tmp.resolve(backend + "_s");
            CliRun r = gpupool("thumbnails", in.toString(), "-o", kept.toString(), "-f", "avif", "--backend", backend, "-j", "1",
                    "--keep-metadata", "--keep-icc");
            assertEquals(0, r.status(), backend + ": " + r.err());
            String info = avifdecInfo(kept.resolve("in.avif"));
            assertTrue(info.contains("Resolution     : 20x40"), backend + " upright:\n" + info);
            assertTrue(info.contains("ICC Profile    : Present (" + CliMetadataTest.ICC.length + " bytes)"), backend + ":\n" + info);
            assertTrue(info.contains("XMP Metadata   : Present"), backend + ":\n" + info);
            assertTrue(info.contains("Exif Metadata  : Present"), backend + ":\n" + info);

            r = gpupool("thumbnails", in.toString(), "-o", stripped.toString(), "-f", "avif", "--backend", backend, "-j", "1");
            assertEquals(0, r.status(), backend + ": " + r.err());
            info = avifdecInfo(stripped.resolve("in.avif"));
            for (String block : new String[]{"ICC Profile    : Absent", "XMP Metadata   : Absent", "Exif Metadata  : Absent"}) {
                assertTrue(info.contains(block), backend + " default strips:\n" + info);
            }
        }
    }
}
