package dev.gpupool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpupool.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static dev.gpupool.cli.CliRun.gpupool;

/** The command line end to end, in process, on generated images. */
class CliTest {
    @TempDir
    Path tmp;

    private Path photos() throws IOException {
        Path in = tmp.resolve("in");
        TestImages.write(in.resolve("a.jpg"), 400, 300, "jpeg");
        TestImages.write(in.resolve("sub/b.png"), 300, 400, "png");
        TestImages.write(in.resolve("sub/deeper/c.jpeg"), 500, 500, "jpeg");
        Files.writeString(in.resolve("notes.txt"), "not an image");
        // An image without an extension is found by its content.
        Files.copy(in.resolve("a.jpg"), in.resolve("noext"));
        return in;
    }

    private static BufferedImage read(Path p) throws IOException {
        BufferedImage img = ImageIO.read(p.toFile());
        assertNotNull(img, "not a readable image: " + p);
        return img;
    }

    @Test
    void thumbnailsADirectoryPerTheContract() throws Exception {
        Path in = photos(), out = tmp.resolve("out"), report = tmp.resolve("report.json");
        CliRun r = gpupool("thumbnails", in.toString(), "-o", out.toString(), "-s", "64", "--backend", "cpu-threads", "--report", report.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(new java.awt.Dimension(64, 48), dim(out.resolve("a.jpg")));
        assertEquals(new java.awt.Dimension(48, 64), dim(out.resolve("sub/b.jpg")));
        assertEquals(new java.awt.Dimension(64, 64), dim(out.resolve("sub/deeper/c.jpg")));
        assertEquals(new java.awt.Dimension(64, 48), dim(out.resolve("noext.jpg")));
        assertFalse(Files.exists(out.resolve("notes.jpg")), "a non-image in a walked directory is passed over");
        assertTrue(r.lastErrLine().matches("4 ok, 0 failed, 0 skipped in \\d+\\.\\d\\d s \\(\\d+\\.\\d img/s\\) on cpu-threads"), r.lastErrLine());

        JsonNode j = new ObjectMapper().readTree(report.toFile());
        assertEquals("cpu-threads", j.get("backend").asText());
        assertEquals(4, j.get("ok").asInt());
        assertEquals(0, j.get("failed").asInt());
        assertTrue(j.get("seconds").isNumber());
        List<String> inputs = new ArrayList<>();
        for (JsonNode item : j.get("items")) {
            inputs.add(Path.of(item.get("input").asText()).getFileName().toString());
            assertEquals("ok", item.get("status").asText());
            assertTrue(item.get("error").isNull());
            assertEquals("cpu-threads", item.get("backend").asText());
            assertTrue(item.get("width").asInt() > 0 && item.get("height").asInt() > 0);
            assertTrue(item.has("millis") && item.has("output"));
        }
        assertEquals(List.of("a.jpg", "noext", "b.png", "c.jpeg"), inputs, "walk order: sorted paths");
        try (Stream<Path> s = Files.walk(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".gpupool-tmp-")), "no temporaries left");
        }
    }

    @Test
    void aRerunSkipsUpToDateOutputsAndOverwriteRedoesThem() throws Exception {
        Path in = photos(), out = tmp.resolve("out");
        assertEquals(0, gpupool("thumbnails", in.toString(), "-o", out.toString(), "--backend", "cpu-threads").status());
        CliRun again = gpupool("thumbnails", in.toString(), "-o", out.toString(), "--backend", "cpu-threads");
        assertEquals(0, again.status());
        assertTrue(again.lastErrLine().startsWith("0 ok, 0 failed, 4 skipped"), again.lastErrLine());
        // A newer input is redone.
        Files.setLastModifiedTime(in.resolve("a.jpg"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        CliRun third = gpupool("thumbnails", in.toString(), "-o", out.toString(), "--backend", "cpu-threads");
        assertTrue(third.lastErrLine().startsWith("1 ok, 0 failed, 3 skipped"), third.lastErrLine());
        CliRun forced = gpupool("thumbnails", in.toString(), "-o", out.toString(), "--backend", "cpu-threads", "--overwrite");
        assertTrue(forced.lastErrLine().startsWith("4 ok, 0 failed, 0 skipped"), forced.lastErrLine());
    }

    @Test
    void aBadInputFailsAloneWithOneLineAndExitStatus1() throws Exception {
        Path in = photos(), out = tmp.resolve("out");
        Path fake = tmp.resolve("fake.jpg");
        Files.writeString(fake, "this is text, not a JPEG");
        CliRun r = gpupool("thumbnails", in.resolve("a.jpg").toString(), fake.toString(), tmp.resolve("missing.png").toString(),
                "-o", out.toString(), "--backend", "cpu-threads");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("FAILED " + fake + ": "), r.err());
        assertTrue(r.err().contains("FAILED " + tmp.resolve("missing.png") + ": no such file or directory"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
        assertTrue(Files.exists(out.resolve("a.jpg")), "the good input is still written");
        assertFalse(Files.exists(out.resolve("fake.jpg")), "nothing written for the bad one");
        assertTrue(r.lastErrLine().startsWith("1 ok, 2 failed, 0 skipped"), r.lastErrLine());
    }

    @Test
    void usageErrorsExitWith2() throws Exception {
        Path in = photos(), out = tmp.resolve("out");
        assertEquals(2, gpupool("thumbnails", in.toString()).status(), "no --out");
        assertEquals(2, gpupool("thumbnails", "-o", out.toString()).status(), "no input");
        assertEquals(2, gpupool("thumbnails", in.toString(), "-o", out.toString(), "-q", "0").status());
        assertEquals(2, gpupool("thumbnails", in.toString(), "-o", out.toString(), "-s", "big").status());
        assertEquals(2, gpupool("thumbnails", in.toString(), "-o", out.toString(), "--fit", "squeeze").status());
        assertEquals(2, gpupool("thumbnails", in.toString(), "-o", out.toString(), "--backend", "tpu").status());
        assertEquals(2, gpupool("thumbnails", in.toString(), "-o", out.toString(), "--no-such-option").status());
        assertEquals(2, gpupool("frobnicate").status());
        assertFalse(Files.exists(out), "a usage error writes nothing");
    }

    @Test
    void anUnavailableBackendExitsWith3() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(new java.io.File("/dev/nvidia0").exists(), "a GPU is present");
        Path in = photos();
        CliRun r = gpupool("thumbnails", in.toString(), "-o", tmp.resolve("out").toString(), "--backend", "cuda");
        assertEquals(3, r.status());
        assertTrue(r.err().contains("cuda backend not available"), r.err());
    }

    @Test
    void severalSizesFitModesAndFormats() throws Exception {
        Path in = photos(), out = tmp.resolve("out");
        Path a = in.resolve("a.jpg");
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", out.toString(), "-s", "32,100x50", "--backend", "cpu-threads").status());
        assertEquals(new java.awt.Dimension(32, 24), dim(out.resolve("a_32.jpg")));
        assertEquals(new java.awt.Dimension(67, 50), dim(out.resolve("a_100x50.jpg")));

        Path cover = tmp.resolve("cover");
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", cover.toString(), "-s", "64", "--fit", "cover", "-f", "png", "--backend", "cpu-threads").status());
        assertEquals(new java.awt.Dimension(64, 64), dim(cover.resolve("a.png")));

        Path fill = tmp.resolve("fill");
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", fill.toString(), "-s", "50x20", "--fit", "fill", "--backend", "cpu-threads").status());
        assertEquals(new java.awt.Dimension(50, 20), dim(fill.resolve("a.jpg")));

        Path small = tmp.resolve("small");
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", small.toString(), "-s", "1000", "--backend", "cpu-threads").status());
        assertEquals(new java.awt.Dimension(400, 300), dim(small.resolve("a.jpg")), "never enlarges by default");
        Path up = tmp.resolve("up");
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", up.toString(), "-s", "800", "--upscale", "--backend", "cpu-threads").status());
        assertEquals(new java.awt.Dimension(800, 600), dim(up.resolve("a.jpg")));

        Path same = tmp.resolve("same");
        assertEquals(0, gpupool("thumbnails", in.toString(), "-o", same.toString(), "-f", "same", "--backend", "cpu-threads").status());
        assertTrue(Files.exists(same.resolve("a.jpg")) && Files.exists(same.resolve("sub/b.png")));
    }

    @Test
    void listsOfInputsAndUrlSchemes() throws Exception {
        Path in = photos(), out = tmp.resolve("out");
        Path list = tmp.resolve("list.txt");
        Files.writeString(list, "# a comment\n" + in.resolve("a.jpg") + "\n\n" + in.resolve("sub") + "\nftp://example.invalid/x.jpg\n");
        CliRun r = gpupool("thumbnails", "@" + list, "-o", out.toString(), "--backend", "cpu-threads");
        assertEquals(1, r.status(), r.err());
        assertTrue(Files.exists(out.resolve("a.jpg")));
        assertTrue(Files.exists(out.resolve("b.jpg")), "a directory's files mirror their path relative to it");
        assertTrue(Files.exists(out.resolve("deeper/c.jpg")));
        assertTrue(r.err().contains("FAILED ftp://example.invalid/x.jpg: unsupported URL scheme 'ftp'"), r.err());
    }

    @Test
    void outputsNeverLeaveTheOutputDirectory() throws Exception {
        Path in = photos(), out = tmp.resolve("deep/out");
        Path list = tmp.resolve("list.txt");
        Files.writeString(list, in.resolve("sub/../a.jpg") + "\n");
        assertEquals(0, gpupool("thumbnails", "@" + list, "-o", out.toString(), "--backend", "cpu-threads").status());
        try (Stream<Path> s = Files.walk(tmp)) {
            List<Path> outputs = s.filter(p -> p.toString().endsWith(".jpg") && !p.startsWith(in)).toList();
            assertFalse(outputs.isEmpty());
            for (Path p : outputs) assertTrue(p.startsWith(out), p + " is outside " + out);
        }
    }

    @Test
    void devicesListsEveryBackendAndTheCodecs() {
        CliRun r = gpupool("devices");
        assertEquals(0, r.status());
        for (String b : List.of("cuda:", "opencl:", "cpu:", "cpu-threads:", "auto:", "codecs:")) {
            assertTrue(r.out().contains(b), "missing " + b + " in\n" + r.out());
        }
    }

    @Test
    void versionAndHelp() {
        CliRun v = gpupool("--version");
        assertEquals(0, v.status());
        assertTrue(v.out().startsWith("gpupool "), v.out());
        CliRun h = gpupool("thumbnails", "--help");
        assertEquals(0, h.status());
        assertTrue(h.out().contains("--max-pixels"));
    }

    private static java.awt.Dimension dim(Path p) throws IOException {
        BufferedImage img = read(p);
        return new java.awt.Dimension(img.getWidth(), img.getHeight());
    }
}
