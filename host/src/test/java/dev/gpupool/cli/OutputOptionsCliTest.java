package dev.gpupool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpupool.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.gpupool.cli.CliRun.gpupool;
import static org.junit.jupiter.api.Assertions.*;

/** The everyday output options end to end: one-sided sizes, JPEG encoding choices, lossless WebP. */
class OutputOptionsCliTest {
    @TempDir
    Path tmp;

    private static Dimension dim(Path p) throws IOException {
        BufferedImage img = ImageIO.read(p.toFile());
        assertNotNull(img, "not a readable image: " + p);
        return new Dimension(img.getWidth(), img.getHeight());
    }

    @Test
    void sizesThatBoundOneSide() throws Exception {
        Path a = TestImages.write(tmp.resolve("in/a.jpg"), 4000, 1000, "jpeg");
        Path out = tmp.resolve("out"), report = tmp.resolve("r.json");
        CliRun r = gpupool("thumbnails", a.toString(), "-o", out.toString(), "-s", "256x,x256,100x50", "--backend", "cpu-threads",
                "--report", report.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(new Dimension(256, 64), dim(out.resolve("a_256x.jpg")));
        assertEquals(new Dimension(1024, 256), dim(out.resolve("a_x256.jpg")));
        assertEquals(new Dimension(100, 25), dim(out.resolve("a_100x50.jpg")));
        List<String> sizes = new ArrayList<>();
        for (JsonNode o : new ObjectMapper().readTree(report.toFile()).get("items").get(0).get("outputs")) sizes.add(o.get("size").asText());
        assertEquals(List.of("256x", "x256", "100x50"), sizes);

        // one size: NAME.jpg; cover with a free side bounds the given side (as contain); never enlarged
        Path cover = tmp.resolve("cover");
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", cover.toString(), "-s", "x100", "--fit", "cover", "--backend", "cpu-threads").status());
        assertEquals(new Dimension(400, 100), dim(cover.resolve("a.jpg")));
        Path big = tmp.resolve("big");
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", big.toString(), "-s", "x5000", "--backend", "cpu-threads").status());
        assertEquals(new Dimension(4000, 1000), dim(big.resolve("a.jpg")), "never enlarges without --upscale");

        CliRun bad = gpupool("thumbnails", a.toString(), "-o", tmp.resolve("bad").toString(), "-s", "0x256");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("bad size '0x256'"), bad.err());
    }
}
