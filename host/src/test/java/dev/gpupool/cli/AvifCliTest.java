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
}
