package dev.gpupool.cli;

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
 * {@code --memory-budget}: the worker's share of it is its heap and decode budget, so an image whose
 * decode cannot fit in the share fails in one line, and fits under a larger budget. Each run in a JVM of
 * its own: the budget is one per JVM.
 */
class MemoryBudgetCliTest {
    @TempDir
    Path tmp;

    private String run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "log", ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        return "exit " + p.exitValue() + "\n" + Files.readString(log);
    }

    @Test
    void anImageLargerThanTheWorkersShareFailsInOneLineAndFitsALargerBudget() throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        // 16 MP: about 112 MB to decode (raster and pixels). A 600 MiB budget leaves one worker a heap of
        // about 184 MiB, half of it for decoding: it can never fit.
        ImageIO.write(new BufferedImage(4000, 4000, BufferedImage.TYPE_INT_RGB), "png", in.resolve("big.png").toFile());
        String small = run("thumbnails", in.toString(), "-o", tmp.resolve("out1").toString(), "--backend", "cpu", "-j", "1",
                "--memory-budget", "600m");
        assertTrue(small.startsWith("exit 1\n"), small);
        String failed = small.lines().filter(l -> l.startsWith("FAILED")).findFirst().orElseThrow(() -> new AssertionError(small));
        assertTrue(failed.contains("4000x4000 png needs about") && failed.contains("share of the memory budget allows (raise --memory-budget"),
                failed);
        assertFalse(Files.exists(tmp.resolve("out1/big.jpg")), "no partial output");

        String large = run("thumbnails", in.toString(), "-o", tmp.resolve("out2").toString(), "--backend", "cpu", "-j", "1",
                "--memory-budget", "2g");
        assertTrue(large.startsWith("exit 0\n"), large);
        assertTrue(Files.size(tmp.resolve("out2/big.jpg")) > 0);
    }

    @Test
    void aBudgetThatIsNotASizeIsAUsageError() {
        CliRun r = CliRun.gpupool("thumbnails", tmp.toString(), "-o", tmp.resolve("out").toString(), "--memory-budget", "lots");
        r.assertUsageError("gpupool thumbnails", "--memory-budget lots: not a memory size: 'lots' (for example 4g, 512m, 1.5g)");
        CliRun tiny = CliRun.gpupool("thumbnails", tmp.toString(), "-o", tmp.resolve("out").toString(), "--memory-budget", "100m");
        tiny.assertUsageError("gpupool thumbnails", "--memory-budget 100m: too small: at least 512 MiB");
    }
}
