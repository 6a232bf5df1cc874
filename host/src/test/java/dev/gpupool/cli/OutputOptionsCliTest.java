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
public class OutputOptionsCliTest {
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

    /** --progressive and --subsample through every path: in-process threads and worker processes (the request crosses a pipe). */
    @Test
    void jpegEncodingChoices() throws Exception {
        Path a = TestImages.write(tmp.resolve("in/a.png"), 300, 200, "png");
        for (String backend : new String[]{"cpu-threads", "cpu"}) {
            Path out = tmp.resolve("p-" + backend);
            CliRun r = gpupool("thumbnails", a.toString(), "-o", out.toString(), "-s", "128", "--progressive", "--subsample", "422",
                    "--backend", backend, "-j", "1");
            assertEquals(0, r.status(), r.err());
            byte[] j = java.nio.file.Files.readAllBytes(out.resolve("a.jpg"));
            assertArrayEquals(new int[]{0xC2, 3, 0x21, 0x11, 0x11}, sof(j), backend);
            assertEquals(new Dimension(128, 85), dim(out.resolve("a.jpg")));
        }
        Path base = tmp.resolve("base");
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", base.toString(), "-q", "92", "--backend", "cpu-threads").status());
        assertArrayEquals(new int[]{0xC0, 3, 0x11, 0x11, 0x11}, sof(java.nio.file.Files.readAllBytes(base.resolve("a.jpg"))),
                "auto: 4:4:4 at quality >= 90");
        CliRun bad = gpupool("thumbnails", a.toString(), "-o", base.toString(), "--subsample", "411");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--subsample must be 420, 422, 444 or auto"), bad.err());
    }

    @Test
    void losslessWebpIsPixelIdenticalToTheResize() throws Exception {
        Path a = TestImages.write(tmp.resolve("in/a.png"), 300, 200, "png");
        Path lossless = tmp.resolve("ll"), png = tmp.resolve("png");
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", lossless.toString(), "-s", "100", "-f", "webp", "--lossless",
                "--backend", "cpu-threads").status());
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", png.toString(), "-s", "100", "-f", "png", "--backend", "cpu-threads").status());
        BufferedImage w = ImageIO.read(lossless.resolve("a.webp").toFile()), p = ImageIO.read(png.resolve("a.png").toFile());
        assertEquals(p.getWidth(), w.getWidth());
        assertEquals(p.getHeight(), w.getHeight());
        for (int y = 0; y < p.getHeight(); y++) {
            for (int x = 0; x < p.getWidth(); x++) assertEquals(p.getRGB(x, y), w.getRGB(x, y), "pixel " + x + "," + y);
        }
    }

    @Test
    void helpDescribesEachOptionWithAnExample() throws Exception {
        CliRun r = gpupool("thumbnails", "--help");
        String help = r.out().replaceAll("\\s+", " ");
        for (String s : new String[]{"-s 128,256x,x64", "--progressive", "--subsample 444", "-f webp --lossless", "-q 90"}) {
            assertTrue(help.contains(s), s + " in:\n" + r.out());
        }
    }

    /** The first SOF segment: {@code [marker, ncomp, then (H<<4|V) per component]}, parsed from the bytes. */
    public static int[] sof(byte[] j) {
        assertTrue((j[0] & 0xFF) == 0xFF && (j[1] & 0xFF) == 0xD8, "not a JPEG");
        for (int i = 2; i + 4 <= j.length; ) {
            int m = j[i + 1] & 0xFF, len = (j[i + 2] & 0xFF) << 8 | (j[i + 3] & 0xFF);
            if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                int n = j[i + 9] & 0xFF;
                int[] r = new int[2 + n];
                r[0] = m;
                r[1] = n;
                for (int c = 0; c < n; c++) r[2 + c] = j[i + 11 + 3 * c] & 0xFF;
                return r;
            }
            i += 2 + len;
        }
        return fail("no SOF segment");
    }
}
