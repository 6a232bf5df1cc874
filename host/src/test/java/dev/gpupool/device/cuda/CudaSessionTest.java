package dev.gpupool.device.cuda;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.TestImages;
import dev.gpupool.backend.Backends;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceTestSupport;
import dev.gpupool.device.ProbeReport;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.kernel.Arg;
import dev.gpupool.kernel.ExampleKernels;
import dev.gpupool.kernel.LaunchReport;
import dev.gpupool.thumbnail.BatchReport;
import dev.gpupool.thumbnail.Thumbnailer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA device session on the fake driver (host/src/test/native/fakecuda): one context per pool
 * for every client, the probe that must run a kernel before it calls a device usable, the poisoned
 * context replaced, the JIT log in a refused module's error, one upload per image for all its sizes.
 * Every test also checks that the host code made no call the driver would refuse (the fake's violations).
 */
@Tag("cuda")
class CudaSessionTest {
    private FakeCuda fake;
    private long violationsBefore;

    @BeforeEach
    void fake() {
        fake = FakeCuda.requireFake();
        fake.set("defaults", 0);
        violationsBefore = fake.violations();
    }

    @AfterEach
    void noViolations() {
        if (fake == null) return; // a real GPU: requireFake() skipped the test, there is nothing to check
        fake.set("defaults", 0);
        assertEquals(violationsBefore, fake.violations(), "the host code broke the driver's rules: " + fake.lastViolation());
    }

    private static List<ResizeRequest> batch(long seed) {
        Random rnd = new Random(seed);
        return List.of(
                DeviceTestSupport.request(DeviceTestSupport.image(rnd, 97, 61, 3), 40, 30, Fit.CONTAIN, false, Filter.LANCZOS3),
                DeviceTestSupport.request(DeviceTestSupport.image(rnd, 33, 80, 4), 20, 20, Fit.COVER, false, Filter.MITCHELL));
    }

    @Test
    void theDeviceThreadSleepsThroughEveryWaitInsteadOfSpinningACore() throws Exception {
        long spins = fake.stat("spin_waits");
        try (CudaSession s = CudaTestSupport.openSession()) {
            List<ResizeRequest> b = batch(3);
            DeviceTestSupport.assertMatchesReference(b, s.resizer().resize(b), 0, "resize");
            s.bandwidth(1 << 20, 2);
            float[] y = new float[10];
            s.kernels().launch(ExampleKernels.saxpy(), 10, List.of(Arg.scalar(10), Arg.scalar(1f), Arg.in(new float[10]), Arg.inOut(y)));
        }
        assertEquals(spins, fake.stat("spin_waits"), "waits made without blocking sync (events or context)");
    }

    @Test
    void aPoolMakesOneContextForItsThumbnailsAndItsUserKernels(@TempDir Path tmp) throws Exception {
        long contexts = fake.stat("contexts_created"), modules = fake.stat("modules_loaded"), live = fake.stat("contexts_live");
        Path in = tmp.resolve("in");
        for (int i = 0; i < 3; i++) TestImages.write(in.resolve("p" + i + ".jpg"), 120 + i * 10, 90, "jpeg");
        try (Pool pool = Pool.open(Backend.CUDA)) {
            assertTrue(pool.device().contains("fake"), pool.device());
            BatchReport r = Thumbnailer.on(pool).size(64, 64).run(List.of(in), tmp.resolve("out"));
            assertEquals(3, r.ok(), r.items().toString());
            assertTrue(r.items().stream().allMatch(it -> it.backend().equals("cuda")), r.items().toString());
            for (BatchReport.Item it : r.items()) { // the device engine reports what it wrote, as the CPU ones do
                assertEquals(1, it.outputs().size(), it.toString());
                assertEquals(List.of(it.output(), "64", it.width(), it.height(), java.nio.file.Files.size(Path.of(it.output()))),
                        List.of(it.outputs().getFirst().path(), it.outputs().getFirst().size(), it.outputs().getFirst().width(),
                                it.outputs().getFirst().height(), it.outputs().getFirst().bytes()));
                assertEquals("jpeg", it.format());
                assertEquals(90, it.inputHeight());
            }
            int n = 1000;
            float[] x = new float[n], y = new float[n], want = new float[n];
            for (int i = 0; i < n; i++) { x[i] = i * 0.5f; y[i] = 1f / (i + 1); want[i] = y[i]; }
            ExampleKernels.saxpy(2.5f, x, want, 0, n);
            LaunchReport k = pool.launch(ExampleKernels.saxpy(), n, Arg.scalar(n), Arg.scalar(2.5f), Arg.in(x), Arg.inOut(y)).join();
            assertEquals(Backend.CUDA, k.backend());
            assertArrayEquals(want, y);
            assertEquals(contexts + 1, fake.stat("contexts_created"), "the probe's context is the pool's, shared by every client");
            assertEquals(modules + 2, fake.stat("modules_loaded"), "resize.ptx once, saxpy once");
        }
        assertEquals(live, fake.stat("contexts_live"), "closing the pool destroys its context");
    }

    @Test
    void aDeviceThatCannotRunAKernelIsNotUsableAndAutoMovesOn() {
        fake.set("sticky_launch_error", 719);
        fake.set("sticky_launch_at", 1);
        ProbeReport r = Backends.probe(Backend.CUDA, 0, 2, true);
        assertFalse(r.usable(), r.toString());
        assertTrue(r.reason().contains("CUDA_ERROR_LAUNCH_FAILED"), r.reason());
        fake.set("defaults", 0);
        long launches = fake.stat("launches"), uploaded = fake.stat("htod_bytes"), downloaded = fake.stat("dtoh_bytes");
        assertTrue(Backends.probe(Backend.CUDA, 0, 2, true).usable());
        assertTrue(fake.stat("launches") >= launches + 2, "a usable probe has run both resize kernels");
        assertTrue(fake.stat("htod_bytes") > uploaded && fake.stat("dtoh_bytes") > downloaded, "and copied through pinned memory");
        fake.set("defaults", 0);
        fake.set("sticky_launch_error", 700);
        fake.set("sticky_launch_at", 1);
        try (Pool auto = Pool.open()) {
            assertNotEquals(Backend.CUDA, auto.backend(), "auto must not pick a device whose kernels fail");
            assertTrue(auto.probes().getFirst().reason().contains("CUDA_ERROR_ILLEGAL_ADDRESS"), auto.probes().toString());
        }
    }

    @Test
    void aRefusedModuleReportsTheJitLog() {
        fake.set("refuse_ptx", 1);
        ProbeReport r = Backends.probe(Backend.CUDA, 0, 2, true);
        assertFalse(r.usable());
        assertTrue(r.reason().contains("JIT refused") && r.reason().contains("JIT log") && r.reason().contains("injected"), r.reason());
        assertFalse(r.reason().contains("needs a driver for"), "a refused PTX is not blamed on the driver's age: " + r.reason());
    }

    @Test
    void aPoisonedContextIsReplacedThenTheSessionGivesUpAndSaysWhy() throws DeviceException {
        try (CudaSession s = CudaTestSupport.openSession()) {
            CudaResizer r = s.resizer();
            long contexts = fake.stat("contexts_created");
            for (int round = 1; round <= CudaSession.MAX_RECREATIONS; round++) {
                fake.set("sticky_launch_error", 719);
                fake.set("sticky_launch_at", 1);
                DeviceException e = assertThrows(DeviceException.class, () -> r.resize(batch(1)));
                assertTrue(e.getMessage().contains("poisoned by CUDA_ERROR_LAUNCH_FAILED (719)")
                        && e.getMessage().contains("a new context was made (" + round + " of"), e.getMessage());
                assertEquals(contexts + round, fake.stat("contexts_created"));
                List<ResizeRequest> b = batch(round);
                DeviceTestSupport.assertMatchesReference(b, r.resize(b), 0, "after new context " + round);
            }
            fake.set("sticky_launch_error", 700);
            fake.set("sticky_launch_at", 1);
            DeviceException dead = assertThrows(DeviceException.class, () -> r.resize(batch(9)));
            assertTrue(dead.getMessage().contains("the process must restart"), dead.getMessage());
            fake.set("defaults", 0);
            DeviceException again = assertThrows(DeviceException.class, () -> r.resize(batch(9)));
            assertEquals(dead.getMessage(), again.getMessage(), "a dead session fails at once, with the same reason");
        }
    }

    @Test
    void oneImageAtThreeSizesGoesUpOnce() throws DeviceException {
        try (CudaSession s = CudaTestSupport.openSession()) {
            PixelBuffer img = DeviceTestSupport.image(new Random(5), 400, 300, 3);
            List<ResizeRequest> sizes = List.of(
                    DeviceTestSupport.request(img, 256, 256, Fit.CONTAIN, false, Filter.LANCZOS3),
                    DeviceTestSupport.request(img, 128, 128, Fit.CONTAIN, false, Filter.LANCZOS3),
                    DeviceTestSupport.request(img, 32, 32, Fit.CONTAIN, false, Filter.LANCZOS3));
            long before = fake.stat("htod_bytes");
            DeviceTestSupport.assertMatchesReference(sizes, s.resizer().resize(sizes), 0, "three sizes");
            long uploaded = fake.stat("htod_bytes") - before;
            long pixels = 400L * 300 * 3;
            assertTrue(uploaded >= pixels && uploaded < pixels + pixels / 4, "uploaded " + uploaded + " bytes for " + pixels + " bytes of pixels");
        }
    }

    @Test
    void bandwidthAndUserKernelsDoNotLeakMemory() throws Exception {
        long contexts = fake.stat("contexts_live");
        try (CudaSession s = CudaTestSupport.openSession()) {
            long device = fake.stat("device_bytes_live"), pinned = fake.stat("pinned_bytes_live");
            s.bandwidth(1 << 20, 2);
            assertEquals(device, fake.stat("device_bytes_live"));
            assertEquals(pinned, fake.stat("pinned_bytes_live"));
        }
        assertEquals(contexts, fake.stat("contexts_live"), "a closed session leaves no context behind");
    }
}
