package dev.gpupool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpupool.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The command line in its own JVM where the conventions need a real process: standard input and output
 * as pipes and files, and a template relative to the process's current directory.
 */
class StdioProcessTest {
    @TempDir
    Path tmp;

    /** Runs gpupool in {@code dir} with standard input from {@code stdin} (or nothing); returns the exit status. */
    private int gpupool(Path dir, Path stdin, Path stdout, Path stderr, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        if (stdin != null) pb.redirectInput(stdin.toFile());
        Process p = pb.start();
        if (stdin == null) p.getOutputStream().close();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "gpupool did not finish");
        return p.exitValue();
    }

    private static String lastLine(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file);
        return lines.getLast();
    }

    @Test
    void dashInDashOutPipesOneImageThrough() throws Exception {
        Path photo = TestImages.write(tmp.resolve("a.jpg"), 400, 300, "jpeg");
        Path out = tmp.resolve("stdout.bin"), err = tmp.resolve("stderr.txt");
        int status = gpupool(tmp, photo, out, err, "thumbnails", "-", "-o", "-", "-s", "40", "--backend", "cpu-threads");
        assertEquals(0, status, Files.readString(err));
        BufferedImage img = ImageIO.read(out.toFile());
        assertNotNull(img, "standard output is exactly one image");
        assertEquals(40, img.getWidth());
        assertEquals(30, img.getHeight());
        assertTrue(lastLine(err).startsWith("1 ok, 0 failed, 0 skipped"), Files.readString(err));
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("a.jpg", "stderr.txt", "stdout.bin"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "nothing written but standard output (no file named -, no stdin.jpg)");
        }
    }

    @Test
    void aRelativeTemplateWritesIntoTheCurrentDirectoryAndDashReportToStandardOutput() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        TestImages.write(work.resolve("photos/a.jpg"), 400, 300, "jpeg");
        Path out = tmp.resolve("stdout.json"), err = tmp.resolve("stderr.txt");
        int status = gpupool(work, null, out, err, "thumbnails", "photos", "-o", "tn_%s.jpg", "-s", "64", "--report", "-",
                "--backend", "cpu-threads");
        assertEquals(0, status, Files.readString(err));
        assertTrue(Files.isRegularFile(work.resolve("tn_a.jpg")), "tn_a.jpg in the current directory");
        assertFalse(Files.exists(work.resolve("tn_%s.jpg")), "no directory named after the template");
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertEquals(work.resolve("tn_a.jpg").toRealPath().toString(), Path.of(j.get("items").get(0).get("output").asText()).toRealPath().toString());
        assertTrue(lastLine(err).startsWith("1 ok, 0 failed, 0 skipped"), Files.readString(err));
    }
}
