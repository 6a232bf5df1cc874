package dev.gpupool.benchmark;

import dev.gpupool.cli.CliRun;
import dev.gpupool.backend.Backends;
import dev.gpupool.device.ProbeReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static dev.gpupool.cli.CliRun.gpupool;

/** {@code gpupool bench} end to end, in process, on a few small generated images. */
class BenchCommandTest {
    @TempDir
    Path tmp;

    static List<String> rowNames(String table) {
        List<String> names = new ArrayList<>();
        for (String line : table.split("\n")) {
            if (line.startsWith("| ") && !line.startsWith("| backend / peer")) names.add(line.substring(2, line.indexOf(" |")));
        }
        return names;
    }

    @Test
    void everyUsableBackendAndThePeerGetARowTheMarkdownAndAParsableChart() throws Exception {
        Path in = tmp.resolve("in");
        SampleImages.write(in, new int[][]{{320, 240}, {240, 320}, {500, 375}});
        SampleImages.write(in.resolve("sub"), new int[][]{{400, 300}});
        Files.writeString(in.resolve("notes.txt"), "not an image");
        Path out = tmp.resolve("results");

        CliRun r = gpupool("bench", in.toString(), "--out", out.toString(), "--rounds", "2", "--warmup", "1", "--size", "64");
        assertEquals(0, r.status(), r.out() + r.err());

        List<String> expected = new ArrayList<>();
        for (String b : List.of("cpu", "cpu-threads", "opencl", "cuda")) {
            for (ProbeReport p : Backends.probeAll(2)) if (p.backend().cliName().equals(b) && p.usable()) expected.add(b);
        }
        expected.add("Thumbnailator 0.4.20");
        assertEquals(expected, rowNames(r.out()), r.out());
        assertTrue(r.out().contains(Machine.cpuModel()), "names the CPU: " + r.out());
        assertTrue(r.err().contains("4 images"), r.err());

        String md = Files.readString(out.resolve("bench.md"));
        assertEquals(expected, rowNames(md));
        assertTrue(md.contains("`gpupool bench " + in + " --out " + out), md);
        for (String line : md.split("\n")) {
            if (line.startsWith("| cpu |")) assertTrue(line.contains("workers' RSS") && !line.contains("| 0 MB heap + 0 MB"), line);
        }
        Document svg = BenchReportTest.parse(Files.readString(out.resolve("bench.svg")));
        assertEquals("svg", svg.getDocumentElement().getLocalName());
        for (String name : expected) assertTrue(svg.getDocumentElement().getTextContent().contains(name), name);
    }

    @Test
    void onlyTheNamedBackendsAndNoPeerWhenAsked() throws Exception {
        Path in = tmp.resolve("in");
        SampleImages.write(in, new int[][]{{300, 200}, {200, 300}});
        CliRun r = gpupool("bench", in.toString(), "--out", tmp.resolve("o").toString(), "--rounds", "1", "--warmup", "0",
                "--backend", "cpu-threads", "--no-peer");
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals(List.of("cpu-threads"), rowNames(r.out()));
        assertTrue(r.out().contains("| n/a |"), r.out());
    }

    @Test
    void sharpenAddsARowPerBackendBesideThePlainOne() throws Exception {
        Path in = tmp.resolve("in");
        SampleImages.write(in, new int[][]{{300, 200}, {200, 300}});
        CliRun r = gpupool("bench", "--sharpen", in.toString(), "--out", tmp.resolve("o").toString(), "--rounds", "1", "--warmup", "0",
                "--backend", "cpu-threads", "--no-peer", "--size", "64");
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals(List.of("cpu-threads", "cpu-threads +sharpen"), rowNames(r.out()));
        assertEquals(2, gpupool("bench", "--sharpen=0.5,x").status());
    }

    @Test
    void cropAndFormatAddARowPerBackendAndModeBesideThePlainOne() throws Exception {
        Path in = tmp.resolve("in");
        SampleImages.write(in, new int[][]{{300, 200}, {200, 300}});
        CliRun r = gpupool("bench", in.toString(), "--out", tmp.resolve("o").toString(), "--rounds", "1", "--warmup", "0",
                "--backend", "cpu-threads", "--no-peer", "--size", "64", "--sharpen", "--crop", "centre,attention", "--format", "avif");
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals(List.of("cpu-threads", "cpu-threads +sharpen", "cpu-threads +crop centre", "cpu-threads +crop attention",
                "cpu-threads +avif"), rowNames(r.out()));
        assertFalse(r.out().contains("failed"), r.out());
        for (String[] bad : new String[][]{{"--crop", "middle"}, {"--format", "gif"}, {"--format", "jpg"}}) {
            CliRun u = gpupool("bench", bad[0], bad[1], "--out", tmp.resolve("u").toString());
            assertEquals(2, u.status(), String.join(" ", bad));
            assertTrue(u.err().startsWith("gpupool bench: " + bad[0]), u.err());
        }
    }

    /** What each variant row runs: the plain contain JPEG, a cover crop at exactly the box, AVIF files. */
    @Test
    void eachVariantWritesWhatItsRowSays() throws Exception {
        List<Path> images = SampleImages.write(tmp.resolve("in"), new int[][]{{300, 200}, {200, 300}});
        try (PoolContender plain = new PoolContender(dev.gpupool.Backend.CPU_THREADS, 1, 64)) {
            PoolContender crop = PoolContender.cropped(plain, 64, dev.gpupool.image.Crop.ATTENTION);
            PoolContender avif = PoolContender.formatted(plain, 64, dev.gpupool.codec.OutputFormat.AVIF);
            assertEquals("cpu-threads +crop attention", crop.name());
            assertEquals("cpu-threads +avif", avif.name());
            for (PoolContender c : List.of(plain, crop, avif)) {
                Path out = tmp.resolve(c.name().replace(' ', '_'));
                Contender.Batch b = c.run(images, out);
                assertEquals(0, b.failed(), c.name() + ": " + b.firstError());
                try (var files = Files.list(out)) {
                    List<Path> written = files.sorted().toList();
                    assertEquals(2, written.size(), c.name() + " " + written);
                    for (Path f : written) {
                        byte[] bytes = Files.readAllBytes(f);
                        if (c == avif) {
                            assertTrue(f.toString().endsWith(".avif"), f.toString());
                            assertEquals("ftypavif", new String(bytes, 4, 8, java.nio.charset.StandardCharsets.US_ASCII), f.toString());
                            continue;
                        }
                        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(f.toFile());
                        int w = img.getWidth(), h = img.getHeight();
                        if (c == crop) assertEquals("64x64", w + "x" + h, "cover fills the box: " + f);
                        else assertEquals(64, Math.max(w, h), "contain fits the box: " + f);
                        if (c == plain) assertTrue(w != h, "contain keeps the aspect: " + f);
                    }
                }
            }
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, gpupool("bench", "--rounds", "0").status());
        assertEquals(2, gpupool("bench", "--backend", "auto").status());
        assertEquals(2, gpupool("bench", tmp.resolve("missing").toString(), "--out", tmp.resolve("o").toString()).status());
        assertFalse(Files.exists(tmp.resolve("o").resolve("bench.md")));
    }
}
