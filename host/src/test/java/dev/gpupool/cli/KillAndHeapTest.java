package dev.gpupool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpupool.TestImages;
import dev.gpupool.job.AtomicFiles;
import dev.gpupool.thumbnail.HostileCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The command line in its own JVM, as users run it: a hostile mix among 50 MP photos with a 256 MB
 * heap, and a {@code kill -9} in the middle of a 200-photo batch followed by a rerun.
 */
class KillAndHeapTest {
    @TempDir
    Path tmp;

    private static ProcessBuilder gpupool(String heap, Path log, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    }

    /** A 50 MP photo-like JPEG, made fast (straight into the raster). */
    private static void bigJpeg(Path file, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / w), g = (y * 255 / h), b = ((x >> 6) + (y >> 6)) % 2 == 0 ? 200 : 40;
                px[y * w + x] = r << 16 | g << 8 | b ^ (x * 31 + y * 17) & 15;
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "jpeg", file.toFile());
    }

    private static void assertWholeJpeg(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        assertTrue(b.length > 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8
                && (b[b.length - 2] & 0xFF) == 0xFF && (b[b.length - 1] & 0xFF) == 0xD9, "not a whole JPEG: " + f);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(b));
        assertNotNull(img, f.toString());
    }

    @Test
    void hostileMixAmong50MegapixelPhotosIn256MegabytesOfHeap() throws Exception {
        Path good = tmp.resolve("good"), bad = tmp.resolve("bad"), out = tmp.resolve("out");
        bigJpeg(good.resolve("big1.jpg"), 8200, 6100);
        Files.copy(good.resolve("big1.jpg"), good.resolve("big2.jpg"));
        for (int i = 0; i < 6; i++) TestImages.write(good.resolve("p" + i + ".jpg"), 640, 480, "jpeg");
        Map<String, String> hostile = HostileCorpus.write(bad);
        for (String backend : List.of("cpu-threads", "cpu")) {
            Path o = out.resolve(backend), log = tmp.resolve(backend + ".log"), report = tmp.resolve(backend + ".json");
            long t0 = System.nanoTime();
            Process p = gpupool("-Xmx256m", log, "thumbnails", "--backend", backend, "-j", "2", good.toString(), bad.toString(),
                    "-o", o.toString(), "--report", report.toString()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hung");
            double seconds = (System.nanoTime() - t0) / 1e9;
            String text = Files.readString(log);
            assertEquals(1, p.exitValue(), text);
            assertFalse(text.contains("OutOfMemoryError") || text.contains("Java heap space"), text);
            assertFalse(text.contains("\tat "), "a stack trace without --verbose:\n" + text);
            JsonNode r = new ObjectMapper().readTree(report.toFile());
            Map<String, JsonNode> items = new HashMap<>();
            for (JsonNode it : r.get("items")) items.put(Path.of(it.get("input").asText()).getFileName().toString(), it);
            for (String name : List.of("big1.jpg", "big2.jpg", "p0.jpg", "p5.jpg")) {
                assertEquals("ok", items.get(name).get("status").asText(), backend + " " + name + ": " + items.get(name));
            }
            for (String name : hostile.keySet()) {
                JsonNode it = items.get(name);
                assertEquals("failed", it.get("status").asText(), backend + " " + name);
                assertTrue(text.contains("FAILED " + bad.resolve(name) + ": " + it.get("error").asText()), name + " has no FAILED line");
            }
            // bomb-100mp.png (300 MB of pixels) cannot fit: refused with the reason, not an OutOfMemoryError.
            assertTrue(items.get("bomb-100mp.png").get("error").asText().contains("memory"), items.get("bomb-100mp.png").toString());
            List<Path> written = CliRun.filesUnder(o);
            assertEquals(8, written.size(), written.toString());
            for (Path f : written) assertWholeJpeg(f);
            assertTrue(seconds < 60, backend + " took " + seconds + " s");
            System.out.printf("hostile mix, -Xmx256m, %s: exit 1, %d outputs, %d failed, %.1f s%n", backend, written.size(),
                    r.get("failed").asInt(), seconds);
        }
    }

    @Test
    void killMinus9MidBatchThenARerunFinishesEverythingAndSkipsWhatWasDone() throws Exception {
        killThenRerun();
    }

    /** The output's {@code user.gpupool} mark names its input ("thumbnail", newline, the input). */
    private static boolean markedWithInput(Path f) throws IOException {
        var v = Files.getFileAttributeView(f, java.nio.file.attribute.UserDefinedFileAttributeView.class);
        if (v == null || !v.list().contains(AtomicFiles.MARK)) return false;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.size(AtomicFiles.MARK));
        v.read(AtomicFiles.MARK, b);
        return new String(b.array(), 0, b.position(), java.nio.charset.StandardCharsets.UTF_8).startsWith(AtomicFiles.MARK_KIND + "\n");
    }

    private void killThenRerun() throws Exception {
        Path in = tmp.resolve("in"), out = tmp.resolve("out");
        for (int i = 0; i < 200; i++) TestImages.write(in.resolve(String.format("p%03d.jpg", i)), 480, 360, "jpeg");
        Process p = gpupool("-Xmx256m", tmp.resolve("killed.log"), "thumbnails", "--backend", "cpu", "-j", "2", "-s", "320,128",
                in.toString(), "-o", out.toString()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && System.nanoTime() < deadline
                && CliRun.filesUnder(out).stream().filter(f -> !f.toString().contains(AtomicFiles.TEMP_MARK)).count() < 60) {
            Thread.sleep(10);
        }
        List<ProcessHandle> workers = p.descendants().toList();
        assertTrue(p.isAlive(), "the batch ended before it could be killed:\n" + Files.readString(tmp.resolve("killed.log")));
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue());
        for (ProcessHandle w : workers) w.onExit().get(20, TimeUnit.SECONDS); // workers stop when their parent dies
        List<Path> done = new ArrayList<>();
        for (Path f : CliRun.filesUnder(out)) {
            if (f.getFileName().toString().contains(AtomicFiles.TEMP_MARK)) continue; // a leftover: never taken for an output
            assertWholeJpeg(f);
            done.add(f);
        }
        assertTrue(done.size() >= 60 && done.size() < 400, done.size() + " outputs before the kill");

        // An input is skipped when both its outputs were whole and marked with the input that made them before
        // the kill. One whose outputs carry only the worker's mark (written on the temporary: "thumbnail", the
        // host killed before it added the input) is gpupool's, so it is redone, never refused as a stranger's.
        int bothDone = 0;
        for (int i = 0; i < 200; i++) {
            String stem = String.format("p%03d", i);
            Path big = out.resolve(stem + "_320.jpg"), small = out.resolve(stem + "_128.jpg");
            if (done.contains(big) && done.contains(small) && markedWithInput(big) && markedWithInput(small)) bothDone++;
        }
        Path report = tmp.resolve("rerun.json");
        Process again = gpupool("-Xmx256m", tmp.resolve("rerun.log"), "thumbnails", "--backend", "cpu", "-j", "2", "-s", "320,128",
                in.toString(), "-o", out.toString(), "--report", report.toString()).start();
        assertTrue(again.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, again.exitValue(), Files.readString(tmp.resolve("rerun.log")));
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        System.out.printf("kill -9 after %d outputs (%d inputs done); rerun: %d skipped, %d ok%n", done.size(), bothDone,
                r.get("skipped").asInt(), r.get("ok").asInt());
        List<String> redone = new ArrayList<>();
        for (JsonNode it : r.get("items")) {
            String stem = Path.of(it.get("input").asText()).getFileName().toString().replace(".jpg", "");
            Path big = out.resolve(stem + "_320.jpg"), small = out.resolve(stem + "_128.jpg");
            if (!it.get("status").asText().equals("skipped") && done.contains(big) && done.contains(small)) redone.add(stem + " " + it.get("status").asText());
        }
        assertEquals(bothDone, r.get("skipped").asInt(), "done before the kill but not skipped: " + redone);
        assertEquals(200 - bothDone, r.get("ok").asInt());
        List<Path> all = CliRun.filesUnder(out);
        assertEquals(400, all.size(), "400 outputs and no leftovers");
        for (Path f : all) assertWholeJpeg(f);
    }
}
