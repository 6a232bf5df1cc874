package dev.gpupool.thumbnail;

import dev.gpupool.Backend;
import dev.gpupool.backend.device.DeviceEngine;
import dev.gpupool.Pool;
import dev.gpupool.TestImages;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceResizer;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
import dev.gpupool.job.AtomicFiles;
import dev.gpupool.thumbnail.BatchReport.Item;
import dev.gpupool.thumbnail.BatchReport.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Bad inputs, faults during a run and confinement, each on a real batch: every good image is
 * written whole, every bad one is reported with a reason, nothing partial is ever left behind.
 */
class ReliabilityTest {
    @TempDir
    Path tmp;
    static Pool threads;

    @BeforeAll
    static void open() {
        threads = Pool.builder().backend(Backend.CPU_THREADS).workers(2).open();
    }

    @AfterAll
    static void close() {
        threads.close();
    }

    private List<Path> goodPhotos(Path dir, int n) throws IOException {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(TestImages.write(dir.resolve("good" + i + ".jpg"), 320 + 16 * i, 240, "jpeg"));
        return out;
    }

    private static Map<String, Item> byInput(BatchReport r) {
        Map<String, Item> m = new HashMap<>();
        for (Item it : r.items()) m.put(it.input(), it);
        return m;
    }

    /** Every file under {@code out}: none is a temporary, each decodes whole to a non-empty image. */
    static List<Path> assertOutputsWhole(Path out) throws IOException {
        if (!Files.exists(out)) return List.of();
        List<Path> files;
        try (Stream<Path> s = Files.walk(out)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            assertFalse(f.getFileName().toString().contains(AtomicFiles.TEMP_MARK), "leftover temporary " + f);
            byte[] b = Files.readAllBytes(f);
            assertTrue(b.length > 4 && (b[b.length - 2] & 0xFF) == 0xFF && (b[b.length - 1] & 0xFF) == 0xD9, "JPEG not whole: " + f);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(b));
            assertNotNull(img, "does not decode: " + f);
            assertTrue(img.getWidth() > 0 && img.getHeight() > 0);
        }
        return files;
    }

    @Test
    void hostileFilesAmongGoodPhotosAreEachReportedAndTheGoodOnesWritten() throws IOException {
        Path in = tmp.resolve("in"), out = tmp.resolve("out");
        List<Path> good = goodPhotos(in.resolve("good"), 5);
        Map<String, String> bad = HostileCorpus.write(in.resolve("bad"));
        // Names that are not image files, and a walked directory with a symbolic-link loop.
        Path walk = in.resolve("walk");
        Files.createDirectories(walk.resolve("sub"));
        TestImages.write(walk.resolve("w.jpg"), 200, 150, "jpeg");
        Files.createSymbolicLink(walk.resolve("sub/loop"), walk);          // a directory loop
        Files.createSymbolicLink(walk.resolve("self.jpg"), walk.resolve("self.jpg")); // a link to itself
        Files.createDirectories(in.resolve("adir.jpg"));

        List<String> args = new ArrayList<>();
        args.add(in.resolve("good").toString());
        args.add(in.resolve("bad").toString());
        args.add(walk.toString());
        args.add(in.resolve("adir.jpg").toUri().toString());     // a file: URL of a directory: walked, as on Spark (empty)
        args.add("/dev/null");                                   // a device where a file was named
        args.add(in.resolve("missing.jpg").toString());
        args.add("file://otherhost/photos/x.jpg");               // not a local file: reported, not fatal
        args.add("ftp://example.com/x.jpg");                     // only file, http and https
        List<String> lines = new ArrayList<>();
        long t0 = System.nanoTime();
        BatchReport r = Thumbnailer.on(threads).size(64, 64)
                .onItem(it -> { if (!it.isOk()) lines.add("FAILED " + it.input() + ": " + it.error()); })
                .runInputs(args, out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Item> items = byInput(r);

        for (Path g : good) assertEquals(Status.OK, items.get(g.toString()).status(), g + ": " + items.get(g.toString()));
        assertEquals(Status.OK, items.get(walk.resolve("w.jpg").toString()).status());
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Item it = items.get(in.resolve("bad").resolve(e.getKey()).toString());
            assertNotNull(it, e.getKey() + " not in the report");
            if (e.getKey().equals("bomb-100mp.png") && it.isOk()) continue; // fits the test JVM's 1 GB heap: fine
            assertEquals(Status.FAILED, it.status(), e.getKey());
            assertFalse(it.error() == null || it.error().isBlank(), e.getKey() + " failed without a reason");
            if (e.getValue() != null) {
                assertTrue(it.error().contains(e.getValue()), e.getKey() + ": '" + it.error() + "' lacks '" + e.getValue() + "'");
            }
            assertFalse(it.error().contains("\n") || it.error().contains("\tat "), "one line: " + it.error());
        }
        assertEquals("symbolic link loop, not followed", items.get(walk.resolve("sub/loop").toString()).error());
        assertTrue(items.get(walk.resolve("self.jpg").toString()).error().toLowerCase().contains("symbolic links"),
                items.get(walk.resolve("self.jpg").toString()).error());
        assertFalse(items.containsKey(in.resolve("adir.jpg").toUri().toString()), "an empty directory gives no input");
        assertEquals("not a regular file", items.get("/dev/null").error());
        assertEquals("no such file or directory", items.get(in.resolve("missing.jpg").toString()).error());
        assertTrue(items.get("file://otherhost/photos/x.jpg").error().startsWith("not a local file URL"));
        assertTrue(items.get("ftp://example.com/x.jpg").error().contains("only file, http and https"));
        assertEquals(r.failed(), lines.size());
        // Outputs: exactly the good ones, each whole; nothing for any bad input.
        List<Path> written = assertOutputsWhole(out);
        assertEquals(r.ok(), written.size(), written.toString());
        assertTrue(seconds < 60, "took " + seconds + " s");
    }

    @Test
    void aFileThatVanishesAfterTheScanFailsAloneWithItsReason() throws IOException {
        Path in = tmp.resolve("in"), out = tmp.resolve("out");
        List<Path> good = goodPhotos(in, 4);
        List<Input> inputs = new InputScanner(out, System.in).scan(List.of(in.toString()));
        Files.delete(good.get(2));
        BatchReport r = new BatchRunner(threads.runtime().thumbnails(threads), Backend.CPU_THREADS, "test", Thumbnailer.on(threads).size(64, 64).spec(),
                false, 4, 4, it -> { }).run(inputs, out);
        Map<String, Item> items = byInput(r);
        assertEquals("no such file", items.get(good.get(2).toString()).error());
        assertEquals(3, r.ok());
        assertEquals(3, assertOutputsWhole(out).size());
    }

    @Test
    void nothingIsWrittenOutsideTheOutputDirectoryWhateverTheNames() throws IOException {
        Path out = tmp.resolve("out"), outside = tmp.resolve("outside");
        Files.createDirectories(out);
        Files.createDirectories(outside);
        OutputNames names = new OutputNames(out, List.of(new dev.gpupool.job.BoxSize(64, 64)), dev.gpupool.codec.OutputFormat.JPEG);
        for (String rel : List.of("../../etc/passwd.jpg", "/etc/x.jpg", "a/../../b.jpg", "..", "./../x.png")) {
            try {
                Path p = names.outputsFor(new Input(rel, Path.of("x"), null, rel, null)).getFirst();
                assertTrue(p.normalize().startsWith(out.toAbsolutePath().normalize()) && !p.equals(out), rel + " -> " + p);
            } catch (IllegalArgumentException refused) {
                assertTrue(refused.getMessage().contains("escapes"), refused.getMessage());
            }
        }
        assertEquals("passwd", OutputNames.safeSegment(java.net.URI.create("http://h/a/..%2F..%2Fpasswd")));
        assertFalse(OutputNames.safeSegment(java.net.URI.create("http://h/%2e%2e/%2e%2e/x.jpg")).contains("/"));
        // A symbolic link inside the output directory pointing out of it: refused, nothing written there.
        Path in = tmp.resolve("in");
        TestImages.write(in.resolve("sub/a.jpg"), 100, 80, "jpeg");
        TestImages.write(in.resolve("b.jpg"), 100, 80, "jpeg");
        Files.createSymbolicLink(out.resolve("sub"), outside);
        BatchReport r = Thumbnailer.on(threads).size(32, 32).run(List.of(in), out);
        Map<String, Item> items = byInput(r);
        assertEquals(Status.OK, items.get(in.resolve("b.jpg").toString()).status());
        assertTrue(items.get(in.resolve("sub/a.jpg").toString()).error().contains("symbolic link"), r.items().toString());
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(0, s.count(), "wrote through the link");
        }
    }

    @Test
    void aWorkerThatCrashesCostsOnlyItsImage() throws IOException {
        Path in = tmp.resolve("in"), out = tmp.resolve("out");
        goodPhotos(in, 4);
        Path poison = TestImages.write(in.resolve("crashme.jpg"), 100, 100, "jpeg");
        System.setProperty("gpupool.test.crashOn", "crashme");
        try (Pool cpu = Pool.builder().backend(Backend.CPU).workers(2).open()) {
            BatchReport r = Thumbnailer.on(cpu).size(64, 64).run(List.of(in), out);
            Map<String, Item> items = byInput(r);
            assertEquals(4, r.ok(), r.items().toString());
            String why = items.get(poison.toString()).error();
            assertTrue(why.contains("crashed"), why);
            assertEquals(4, assertOutputsWhole(out).size());
        } finally {
            System.clearProperty("gpupool.test.crashOn");
        }
    }

    /** A device that resizes on the CPU and counts the images it took. */
    static final class CountingDevice implements DeviceResizer {
        final AtomicInteger images = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        /** After this many calls, throw what a driver losing its device might: not a DeviceException. */
        int crashAfter = Integer.MAX_VALUE;
        /** After this many calls, fail as a lost device does: with a DeviceException. */
        int failAfter = Integer.MAX_VALUE;

        @Override
        public String deviceName() {
            return "counting test device";
        }

        @Override
        public List<PixelBuffer> resize(List<ResizeRequest> batch) throws DeviceException {
            int call = calls.getAndIncrement();
            if (call >= crashAfter) throw new IllegalStateException("CL_DEVICE_NOT_AVAILABLE");
            if (call >= failAfter) throw new DeviceException("device lost (test double, after " + failAfter + " calls)");
            images.addAndGet(batch.size());
            List<PixelBuffer> out = new ArrayList<>();
            for (ResizeRequest r : batch) out.add(Resampler.resize(r.src(), r.x(), r.y()));
            return out;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aDeviceFailingMidBatchHandsItsWorkToTheCpuAndTheReportSaysWhereEachRan() throws IOException {
        deviceFailsMidBatch(false);
    }

    @Test
    void aDriverThrowingSomethingElseCountsAsADeviceFailureToo() throws IOException {
        deviceFailsMidBatch(true);
    }

    private void deviceFailsMidBatch(boolean driverThrows) throws IOException {
        Path in = tmp.resolve("in"), out = tmp.resolve("out");
        goodPhotos(in, 10);
        CountingDevice device = new CountingDevice();
        if (driverThrows) device.crashAfter = 2;
        else device.failAfter = 2;
        DeviceEngine engine = new DeviceEngine(threads, device, Backend.OPENCL);
        try {
            List<Input> inputs = new InputScanner(out, System.in).scan(List.of(in.toString()));
            // Two in flight at a time: the device gets several small batches, and fails from the third.
            BatchReport r = new BatchRunner(engine, Backend.OPENCL, "test", Thumbnailer.on(threads).size(64, 64).spec(),
                    false, 2, 4, it -> { }).run(inputs, out);
            assertEquals(10, r.ok(), r.items().toString());
            long onDevice = r.items().stream().filter(it -> it.backend().equals("opencl")).count();
            long onCpu = r.items().stream().filter(it -> it.backend().equals("cpu-threads")).count();
            assertEquals(device.images.get(), onDevice, "items reported on the device = images the device resized");
            assertTrue(onDevice > 0 && onCpu > 0, onDevice + " on the device, " + onCpu + " on the CPU");
            assertEquals(10, onDevice + onCpu);
            assertTrue(r.elsewhereNote().startsWith(onCpu + " of 10 images ran on cpu-threads, not opencl"), r.elsewhereNote());
            assertEquals(10, assertOutputsWhole(out).size());
        } finally {
            engine.close();
        }
    }

    @Test
    void aFullDiskFailsEachItemWithTheReasonAndLeavesNoGarbage() throws IOException {
        Path in = tmp.resolve("in"), out = tmp.resolve("out");
        goodPhotos(in, 4);
        BatchReport first = Thumbnailer.on(threads).size(64, 64).run(List.of(in), out);
        assertEquals(4, first.ok());
        Map<Path, byte[]> before = new HashMap<>();
        for (Path p : assertOutputsWhole(out)) before.put(p, Files.readAllBytes(p));
        System.setProperty("gpupool.test.diskFullAfterBytes", "0");
        try {
            BatchReport r = Thumbnailer.on(threads).size(80, 80).overwrite(true).run(List.of(in), out);
            assertEquals(4, r.failed());
            for (Item it : r.items()) assertTrue(it.error().contains("No space left on device"), it.error());
        } finally {
            System.clearProperty("gpupool.test.diskFullAfterBytes");
        }
        // The outputs of the first run are untouched, whole, and no half-written temporary is left.
        List<Path> after = assertOutputsWhole(out);
        assertEquals(before.keySet(), new java.util.HashSet<>(after));
        for (Path p : after) assertArrayEquals(before.get(p), Files.readAllBytes(p), p.toString());
    }

    @Test
    void unreadableFilesAreReported() throws IOException {
        assumeTrue(!"root".equals(System.getProperty("user.name")), "root reads everything");
        Path in = tmp.resolve("in"), out = tmp.resolve("out");
        Path f = TestImages.write(in.resolve("locked.jpg"), 100, 100, "jpeg");
        Files.setPosixFilePermissions(f, java.util.Set.of());
        BatchReport r = Thumbnailer.on(threads).size(64, 64).run(List.of(f), out);
        assertEquals("permission denied", r.items().getFirst().error());
    }
}
