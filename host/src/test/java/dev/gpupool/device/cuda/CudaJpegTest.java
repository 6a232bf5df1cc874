package dev.gpupool.device.cuda;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.TestImages;
import dev.gpupool.backend.device.DeviceRuntime;
import dev.gpupool.thumbnail.BatchReport;
import dev.gpupool.thumbnail.Thumbnailer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU JPEG pipeline (nvJPEG decode, resize, orient, nvJPEG encode) end to end through the public
 * API, against the fake CUDA driver and the fake libnvjpeg (libjpeg-turbo into fake device memory):
 * which images take the JPEG lane, what the report says, faults, and that nothing is leaked or misused.
 */
@Tag("cuda")
class CudaJpegTest {
    private static final Path SAMPLES = Path.of(System.getProperty("gpupool.samples.dir", "../samples"));
    private static final List<String> ON_DEVICE = List.of("nvjpeg-hardware", "cuda", "nvjpeg-cuda");
    private FakeCuda fake;
    private long violations, handles, objects;

    @BeforeEach
    void fake() {
        fake = FakeCuda.requireFake();
        System.setProperty("gpupool.gpuEncode", "on"); // nvJPEG's encoder too (auto would give small thumbnails to the CPU)
        fake.set("defaults", 0);
        violations = fake.violations();
        handles = fake.stat("nvjpeg_handles_live");
        objects = fake.stat("nvjpeg_objects_live");
    }

    @AfterEach
    void noViolationsNoLeaks() {
        System.clearProperty("gpupool.gpuEncode");
        if (fake == null) return; // a real GPU: requireFake() skipped the test
        fake.set("defaults", 0);
        assertEquals(violations, fake.violations(), "the host code broke a rule of the driver or nvJPEG: " + fake.lastViolation());
        assertEquals(handles, fake.stat("nvjpeg_handles_live"), "nvJPEG handles left after the pool closed");
        assertEquals(objects, fake.stat("nvjpeg_objects_live"), "nvJPEG states, streams or params left after the pool closed");
    }

    private static Map<String, BatchReport.Item> byName(BatchReport r) {
        return r.items().stream().collect(Collectors.toMap(it -> Path.of(it.input()).getFileName().toString(), Function.identity()));
    }

    private static List<String> ran(BatchReport.Item it) {
        return it.ran() == null ? null : List.of(it.ran().decode(), it.ran().resize(), it.ran().encode());
    }

    private static BufferedImage read(Path p) throws IOException {
        return ImageIO.read(p.toFile());
    }

    /** Mean absolute difference per sample of two same-sized images. */
    private static double meanDiff(BufferedImage a, BufferedImage b) {
        assertEquals(a.getWidth(), b.getWidth());
        assertEquals(a.getHeight(), b.getHeight());
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                for (int s = 0; s < 24; s += 8) sum += Math.abs(((p >> s) & 0xFF) - ((q >> s) & 0xFF));
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    @Test
    void baselineJpegsAreDoneWhollyOnTheDeviceTheRestOnTheCpuLane(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (int i = 0; i < 3; i++) TestImages.write(in.resolve("p" + i + ".jpg"), 300 + i * 40, 200, "jpeg");
        Files.copy(SAMPLES.resolve("plasma-portrait-progressive.jpg"), in.resolve("progressive.jpg"));
        Files.copy(SAMPLES.resolve("grey.jpg"), in.resolve("grey.jpg"));
        Files.copy(SAMPLES.resolve("swirl.png"), in.resolve("swirl.png"));
        long decoded = fake.stat("nvjpeg_hw_images_decoded"), encoded = fake.stat("nvjpeg_images_encoded");
        BatchReport gpu, cpu;
        try (Pool pool = Pool.open(Backend.CUDA)) {
            String status = ((DeviceRuntime) pool.runtime()).session().jpegStatus();
            assertTrue(status.contains("nvJPEG 13.0.0") && status.contains("hardware decoder"), status);
            gpu = Thumbnailer.on(pool).size(96, 96).run(List.of(in), tmp.resolve("gpu"));
        }
        try (Pool pool = Pool.open(Backend.CPU_THREADS)) {
            cpu = Thumbnailer.on(pool).size(96, 96).run(List.of(in), tmp.resolve("cpu"));
        }
        assertEquals(6, gpu.ok(), gpu.items().toString());
        Map<String, BatchReport.Item> items = byName(gpu);
        for (int i = 0; i < 3; i++) assertEquals(ON_DEVICE, ran(items.get("p" + i + ".jpg")));
        assertEquals(List.of("libjpeg-turbo", "cuda", "libjpeg-turbo"), ran(items.get("progressive.jpg")), "the hardware decoder takes baseline only");
        assertEquals(List.of("libjpeg-turbo", "cuda", "libjpeg-turbo"), ran(items.get("grey.jpg")));
        assertEquals("imageio", items.get("swirl.png").ran().decode());
        assertEquals(decoded + 3, fake.stat("nvjpeg_hw_images_decoded"));
        assertEquals(encoded + 3, fake.stat("nvjpeg_images_encoded"), "only the JPEG lane's outputs are encoded by nvJPEG");
        Map<String, BatchReport.Item> cpuItems = byName(cpu);
        for (int i = 0; i < 3; i++) {
            BatchReport.Item g = items.get("p" + i + ".jpg"), c = cpuItems.get("p" + i + ".jpg");
            assertEquals(List.of(c.width(), c.height(), c.inputWidth(), c.inputHeight()), List.of(g.width(), g.height(), g.inputWidth(), g.inputHeight()));
            double d = meanDiff(read(Path.of(g.output())), read(Path.of(c.output())));
            assertTrue(d < 3, "device thumbnail p" + i + " differs from the CPU's by " + d + " per sample");
        }
    }

    @Test
    void theExifOrientationIsAppliedOnTheDevice(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        byte[] plain = Files.readAllBytes(TestImages.write(tmp.resolve("plain.jpg"), 320, 200, "jpeg"));
        for (int o = 1; o <= 8; o++) Files.write(in.resolve("o" + o + ".jpg"), TestImages.withExifOrientation(plain, o));
        BatchReport gpu, cpu;
        try (Pool pool = Pool.open(Backend.CUDA)) {
            gpu = Thumbnailer.on(pool).size(80, 80).run(List.of(in), tmp.resolve("gpu"));
        }
        try (Pool pool = Pool.open(Backend.CPU_THREADS)) {
            cpu = Thumbnailer.on(pool).size(80, 80).run(List.of(in), tmp.resolve("cpu"));
        }
        Map<String, BatchReport.Item> g = byName(gpu), c = byName(cpu);
        for (int o = 1; o <= 8; o++) {
            BatchReport.Item gi = g.get("o" + o + ".jpg"), ci = c.get("o" + o + ".jpg");
            assertEquals(ON_DEVICE, ran(gi), "orientation " + o);
            assertEquals(List.of(ci.width(), ci.height()), List.of(gi.width(), gi.height()), "orientation " + o);
            BufferedImage gimg = read(Path.of(gi.output()));
            assertEquals(List.of(gi.width(), gi.height()), List.of(gimg.getWidth(), gimg.getHeight()), "the file is upright");
            double d = meanDiff(gimg, read(Path.of(ci.output())));
            assertTrue(d < 3, "orientation " + o + ": the device's upright thumbnail differs from the CPU's by " + d);
        }
    }

    @Test
    void aCorruptJpegInABatchCostsOnlyItselfAndStrictModeStillFailsIt(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (int i = 0; i < 5; i++) TestImages.write(in.resolve("p" + i + ".jpg"), 200 + i * 8, 150, "jpeg");
        byte[] b = Files.readAllBytes(in.resolve("p2.jpg"));
        byte[] bad = corruptScan(b);
        Files.write(in.resolve("p2.jpg"), bad);
        BatchReport strict, lenient;
        try (Pool pool = Pool.open(Backend.CUDA)) {
            strict = Thumbnailer.on(pool).size(64, 64).run(List.of(in), tmp.resolve("strict"));
            lenient = Thumbnailer.on(pool).size(64, 64).lenient(true).run(List.of(in), tmp.resolve("lenient"));
        }
        Map<String, BatchReport.Item> s = byName(strict), l = byName(lenient);
        assertEquals(4, strict.ok(), strict.items().toString());
        assertEquals(BatchReport.Status.FAILED, s.get("p2.jpg").status());
        assertTrue(s.get("p2.jpg").error().toLowerCase().contains("corrupt"), s.get("p2.jpg").error());
        assertTrue(!s.get("p2.jpg").error().contains("\n"), "one line");
        assertTrue(Files.notExists(tmp.resolve("strict/p2.jpg")), "no partial output");
        for (String n : List.of("p0.jpg", "p1.jpg", "p3.jpg", "p4.jpg")) assertEquals(ON_DEVICE, ran(s.get(n)), n);
        assertEquals(5, lenient.ok(), lenient.items().toString());
        assertEquals("libjpeg-turbo", l.get("p2.jpg").ran().decode(), "what nvJPEG refused, the CPU decoded leniently");
    }

    /** {@code jpeg} with its entropy-coded data scrambled after the first third (EOI kept, so only decoding finds it). */
    private static byte[] corruptScan(byte[] jpeg) {
        byte[] b = Arrays.copyOf(jpeg, jpeg.length);
        int sos = 2;
        while (!((b[sos] & 0xFF) == 0xFF && (b[sos + 1] & 0xFF) == 0xDA)) sos++;
        int start = sos + 2 + ((b[sos + 2] & 0xFF) << 8 | (b[sos + 3] & 0xFF));
        int from = start + (b.length - 2 - start) / 3;
        for (int i = from; i < from + 64 && i < b.length - 2; i += 2) { b[i] = (byte) 0xFF; b[i + 1] = (byte) 0xD3; } // stray restart markers
        return b;
    }

    @Test
    void aFailedBatchIsDecodedAgainImageByImage(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (int i = 0; i < 4; i++) TestImages.write(in.resolve("p" + i + ".jpg"), 160, 120 + i * 4, "jpeg");
        try (Pool pool = Pool.open(Backend.CUDA)) {
            long calls = fake.stat("nvjpeg_batched_calls");
            fake.set("nvjpeg_fail_decode_at", 1);
            BatchReport r = Thumbnailer.on(pool).size(64, 64).run(List.of(in), tmp.resolve("out"));
            assertEquals(4, r.ok(), r.items().toString());
            r.items().forEach(it -> assertEquals(ON_DEVICE, ran(it), it.toString()));
            assertTrue(fake.stat("nvjpeg_batched_calls") >= calls + 2, "the failed batch, then images one by one");
        }
    }

    @Test
    void withoutAHardwareDecoderJpegsTakeTheCpuLaneAndTheStatusSaysWhy(@TempDir Path tmp) throws Exception {
        fake.set("nvjpeg_no_hardware", 1);
        Path in = Files.createDirectories(tmp.resolve("in"));
        TestImages.write(in.resolve("p.jpg"), 200, 150, "jpeg");
        try (Pool pool = Pool.open(Backend.CUDA)) {
            String status = ((DeviceRuntime) pool.runtime()).session().jpegStatus();
            assertTrue(status.contains("off") && status.contains("no hardware JPEG decoder"), status);
            BatchReport r = Thumbnailer.on(pool).size(64, 64).run(List.of(in), tmp.resolve("out"));
            assertEquals(List.of("libjpeg-turbo", "cuda", "libjpeg-turbo"), ran(r.items().getFirst()));
        }
    }

    @Test
    void runningOutOfDeviceMemoryInTheCodecSendsTheBatchToTheCpuLane(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (int i = 0; i < 3; i++) TestImages.write(in.resolve("p" + i + ".jpg"), 180, 120, "jpeg");
        try (Pool pool = Pool.open(Backend.CUDA)) {
            fake.set("oom_device_at", 1); // the codec's first buffer
            BatchReport r = Thumbnailer.on(pool).size(64, 64).run(List.of(in), tmp.resolve("out"));
            assertEquals(3, r.ok(), r.items().toString());
            assertTrue(r.items().stream().anyMatch(it -> it.ran().decode().equals("libjpeg-turbo")), r.items().toString());
        }
    }

    @Test
    void batchesAreCutToTheCodecsMemoryAndAnImageTooLargeForItGoesToTheCpu(@TempDir Path tmp) throws Exception {
        fake.set("total_mem", 256L << 20); // the codec may then hold 64 MiB of decoded pixels
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (int i = 0; i < 3; i++) TestImages.write(in.resolve("p" + i + ".jpg"), 4000, 2000, "jpeg"); // 24 MB each decoded
        TestImages.write(in.resolve("huge.jpg"), 5000, 5000, "jpeg"); // 75 MB decoded
        try (Pool pool = Pool.open(Backend.CUDA)) {
            BatchReport r = Thumbnailer.on(pool).size(64, 64).run(List.of(in), tmp.resolve("out"));
            Map<String, BatchReport.Item> items = byName(r);
            assertEquals(4, r.ok(), r.items().toString());
            for (int i = 0; i < 3; i++) assertEquals(ON_DEVICE, ran(items.get("p" + i + ".jpg")));
            assertEquals("libjpeg-turbo", items.get("huge.jpg").ran().decode());
        }
    }

    @Test
    void twoBatchesCanBeOnTheDeviceAtOnceAThirdMustWait(@TempDir Path tmp) throws Exception {
        byte[] a = Files.readAllBytes(TestImages.write(tmp.resolve("a.jpg"), 120, 80, "jpeg"));
        byte[] b = Files.readAllBytes(TestImages.write(tmp.resolve("b.jpg"), 90, 60, "jpeg"));
        var lanczos = dev.gpupool.image.Filter.LANCZOS3;
        java.util.function.BiFunction<byte[], int[], dev.gpupool.device.DeviceJpeg.Job> job = (bytes, wh) ->
                new dev.gpupool.device.DeviceJpeg.Job(bytes, wh[0], wh[1], 1, List.of(new dev.gpupool.device.DeviceJpeg.Output(
                        dev.gpupool.image.ResampleWeights.compute(lanczos, wh[0], wh[0] / 2),
                        dev.gpupool.image.ResampleWeights.compute(lanczos, wh[1], wh[1] / 2), 0, "auto")));
        try (Pool pool = Pool.open(Backend.CUDA)) {
            dev.gpupool.device.DeviceJpeg codec = ((DeviceRuntime) pool.runtime()).session().jpeg();
            var first = codec.submit(List.of(job.apply(a, new int[]{120, 80})));
            var second = codec.submit(List.of(job.apply(b, new int[]{90, 60}), job.apply(a, new int[]{120, 80})));
            dev.gpupool.device.DeviceException third = org.junit.jupiter.api.Assertions.assertThrows(dev.gpupool.device.DeviceException.class,
                    () -> codec.submit(List.of(job.apply(b, new int[]{90, 60}))));
            assertTrue(third.getMessage().contains("collect a batch before submitting a third"), third.getMessage());
            var r2 = codec.collect(second); // out of order is fine
            var r1 = codec.collect(first);
            assertEquals(List.of(60, 40), size(r1.results().getFirst()));
            assertEquals(List.of(45, 30), size(r2.results().get(0)));
            assertEquals(List.of(60, 40), size(r2.results().get(1)));
            assertTrue(r1.decodeNanos() >= 0 && r2.resizeNanos() >= 0);
            var again = codec.run(List.of(job.apply(b, new int[]{90, 60})));
            assertEquals(List.of(45, 30), size(again.results().getFirst()), "both slots are free again");
        }
    }

    @Test
    void byDefaultSmallThumbnailsAreEncodedOnTheCpuThreads(@TempDir Path tmp) throws Exception {
        System.clearProperty("gpupool.gpuEncode");
        Path in = Files.createDirectories(tmp.resolve("in"));
        TestImages.write(in.resolve("p.jpg"), 300, 200, "jpeg");
        long encoded = fake.stat("nvjpeg_images_encoded");
        try (Pool pool = Pool.open(Backend.CUDA)) {
            BatchReport r = Thumbnailer.on(pool).size(96, 96).run(List.of(in), tmp.resolve("out"));
            assertEquals(List.of("nvjpeg-hardware", "cuda", "libjpeg-turbo"), ran(r.items().getFirst()));
            assertEquals(96, read(Path.of(r.items().getFirst().output())).getWidth());
        }
        assertEquals(encoded, fake.stat("nvjpeg_images_encoded"));
    }

    @Test
    void theJpegLaneSharpensOnTheDeviceBeforeTheOrientation(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        byte[] plain = Files.readAllBytes(TestImages.write(tmp.resolve("plain.jpg"), 320, 200, "jpeg"));
        for (int o : new int[]{1, 6}) Files.write(in.resolve("o" + o + ".jpg"), TestImages.withExifOrientation(plain, o));
        dev.gpupool.image.Sharpen sharpen = new dev.gpupool.image.Sharpen(0.8f, 1.5f, 2f);
        BatchReport flat, sharp;
        try (Pool pool = Pool.open(Backend.CUDA)) { // PNG outputs: the device's pixels come back unencoded
            flat = Thumbnailer.on(pool).size(80, 80).format("png").run(List.of(in), tmp.resolve("flat"));
            sharp = Thumbnailer.on(pool).size(80, 80).format("png").sharpen(sharpen).run(List.of(in), tmp.resolve("sharp"));
        }
        Map<String, BatchReport.Item> f = byName(flat), s = byName(sharp);
        for (int o : new int[]{1, 6}) {
            BatchReport.Item fi = f.get("o" + o + ".jpg"), si = s.get("o" + o + ".jpg");
            assertEquals(List.of("nvjpeg-hardware", "cuda"), ran(si).subList(0, 2), "orientation " + o + ": the JPEG lane took it");
            dev.gpupool.image.PixelBuffer want = sharpen.apply(dev.gpupool.image.BufferedImages.toPixels(read(Path.of(fi.output()))));
            dev.gpupool.image.PixelBuffer got = dev.gpupool.image.BufferedImages.toPixels(read(Path.of(si.output())));
            assertEquals(List.of(want.width(), want.height()), List.of(got.width(), got.height()), "orientation " + o);
            int max = 0, changed = 0;
            byte[] flatPx = dev.gpupool.image.BufferedImages.toPixels(read(Path.of(fi.output()))).data();
            for (int k = 0; k < want.data().length; k++) {
                max = Math.max(max, Math.abs((want.data()[k] & 0xFF) - (got.data()[k] & 0xFF)));
                if (got.data()[k] != flatPx[k]) changed++;
            }
            assertTrue(max <= 1, "orientation " + o + ": the device's sharpening differs from the CPU's by " + max);
            assertTrue(changed > 0, "orientation " + o + ": sharpened");
        }
    }

    private static List<Integer> size(dev.gpupool.device.DeviceJpeg.Result r) {
        var px = r.outputs().getFirst().pixels();
        return List.of(px.width(), px.height());
    }
}
