package dev.gpupool.device.cuda;

import dev.gpupool.device.DeviceTestSupport;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.ProbeReport;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.PixelBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA resize against the CPU reference on a real GPU. Skipped, with the probe's reason, where
 * there is none; {@code -Dgpupool.requireGpu=true} turns the skip into a failure.
 */
@Tag("cuda")
class CudaResizerGpuTest {
    static CudaSession session;
    static CudaResizer resizer;

    /** Each test is skipped with the probe's reason (an abort in @BeforeAll would hide it from the reports). */
    @BeforeEach
    void requireCuda() {
        CudaTestSupport.requireCuda();
    }

    @BeforeAll
    static void open() throws DeviceException {
        ProbeReport r = new CudaProbe().probe(0);
        System.out.println("CUDA probe: " + r.reason() + " " + r.details());
        if (!r.usable()) return;
        long t0 = System.nanoTime();
        session = CudaTestSupport.openSession();
        resizer = session.resizer();
        System.out.printf("opened %s in %d ms%n", resizer.deviceName(), (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void close() {
        if (session != null) session.close();
    }

    @Test
    void everyFilterFitAndChannelCountMatchesTheReference() throws DeviceException {
        List<ResizeRequest> batch = CudaTestSupport.everyFilterFitAndChannelCount(5);
        long max = DeviceTestSupport.assertMatchesReference(batch, resizer.resize(batch), 1, "every filter/fit/channel count")[0];
        System.out.println("every filter/fit/channel count: max difference " + max + " (0 = bit-exact)");
    }

    @Test
    void sharpenedRequestsMatchTheCpuSharpening() throws DeviceException {
        org.junit.jupiter.api.Assertions.assertTrue(resizer.sharpens());
        List<ResizeRequest> batch = DeviceTestSupport.sharpenBatch(new Random(18));
        List<dev.gpupool.image.PixelBuffer> got = resizer.resize(batch);
        long max = DeviceTestSupport.assertMatchesReference(batch, got, 1, "sharpened")[0];
        int own = DeviceTestSupport.sharpenDiff(batch, resizer.resize(DeviceTestSupport.unsharpened(batch)), got);
        org.junit.jupiter.api.Assertions.assertTrue(own <= 1, "gp_sharpen of the device's own resize, against the CPU's: " + own);
        System.out.println("sharpen: max difference " + max + " against the reference, " + own + " against the CPU sharpening of the device resize");
    }

    @Test
    void aMixedBatchAndTheSameBatchReversed() throws DeviceException {
        Random rnd = new Random(7);
        Filter[] filters = Filter.values();
        int[][] shapes = {{1, 1, 3}, {1, 50, 4}, {50, 1, 2}, {333, 17, 1}, {1500, 1000, 3}, {641, 479, 4}, {3, 5, 2},
                {256, 256, 3}, {1023, 77, 4}, {77, 1023, 1}, {2, 2, 4}, {4000, 3000, 3}};
        List<ResizeRequest> batch = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            int[] s = shapes[i];
            batch.add(DeviceTestSupport.request(DeviceTestSupport.image(rnd, s[0], s[1], s[2]), 64 + i * 7, 48 + i * 5,
                    Fit.values()[i % 3], i % 4 == 0, filters[i % filters.length]));
        }
        DeviceTestSupport.assertMatchesReference(batch, resizer.resize(batch), 1, "mixed batch");
        assertTrue(resizer.lastBatchChunks() >= 1);
        List<ResizeRequest> reversed = new ArrayList<>(batch);
        Collections.reverse(reversed); // reused buffers must not leak the previous batch into this one
        DeviceTestSupport.assertMatchesReference(reversed, resizer.resize(reversed), 1, "mixed batch reversed");
    }

    @Test
    void callersOnPlatformAndVirtualThreadsGetTheirOwnResults() throws Exception {
        for (ExecutorService pool : List.of(Executors.newFixedThreadPool(4), Executors.newVirtualThreadPerTaskExecutor())) {
            try (pool) {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int seed = t;
                    futures.add(pool.submit(() -> {
                        Random rnd = new Random(100 + seed);
                        List<ResizeRequest> batch = new ArrayList<>();
                        for (int i = 0; i < 5; i++) {
                            batch.add(DeviceTestSupport.request(DeviceTestSupport.image(rnd, 90 + seed * 13 + i, 70 + i, 1 + (seed + i) % 4),
                                    32, 32, Fit.CONTAIN, false, Filter.MITCHELL));
                        }
                        DeviceTestSupport.assertMatchesReference(batch, resizer.resize(batch), 1, "caller " + seed);
                        return null;
                    }));
                }
                for (Future<?> f : futures) f.get();
            }
        }
    }

    @Test
    void smallBuffersSplitTheBatchAndAnImageThatCannotFitIsNamed() throws Exception {
        try (CudaSession own = CudaTestSupport.openSession()) {
            CudaResizer small = own.resizer();
            assertTrue(small.deviceThread().isAlive() && !small.deviceThread().isVirtual());
            small.limitMaxAllocForTesting(64 << 10);
            Random rnd = new Random(11);
            List<ResizeRequest> batch = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                batch.add(DeviceTestSupport.request(DeviceTestSupport.image(rnd, 60 + i * 3, 50 + i, 1 + i % 4), 40, 40,
                        Fit.COVER, false, Filter.LANCZOS3));
            }
            DeviceTestSupport.assertMatchesReference(batch, small.resize(batch), 1, "chunked");
            assertTrue(small.lastBatchChunks() > CudaResizer.SLOTS, "expected more chunks than slots, got " + small.lastBatchChunks());

            List<ResizeRequest> withHuge = List.of(batch.get(0),
                    DeviceTestSupport.request(DeviceTestSupport.image(rnd, 300, 300, 3), 40, 40, Fit.CONTAIN, false, Filter.BOX));
            CudaImageTooLargeException e = assertThrows(CudaImageTooLargeException.class, () -> small.resize(withHuge));
            assertEquals(1, e.requestIndex());
            assertTrue(e.getMessage().contains("image #1 (300x300x3"), e.getMessage());
            DeviceTestSupport.assertMatchesReference(batch.subList(0, 3), small.resize(batch.subList(0, 3)), 1, "after too-large");
        }
    }

    @Test
    void bandwidthMeasurementRuns() throws DeviceException {
        CudaBandwidth.Result r = session.bandwidth(64L << 20, 10);
        System.out.println("bandwidth on " + resizer.deviceName() + ": " + r);
        assertTrue(r.hostToDeviceGBps() > 0 && r.deviceToDeviceGBps() > 0, r.toString());
        if (!CudaTestSupport.onFakeDriver(session)) { // the fake's timings are made up
            assertTrue(r.hostToDeviceGBps() > 1 && r.hostToDeviceGBps() < 1000, "implausible pinned upload rate: " + r);
            assertTrue(r.deviceToDeviceGBps() > 10 && r.deviceToDeviceGBps() < 20_000, "implausible device copy rate: " + r);
        }
        // The resizer is still fine afterwards.
        List<ResizeRequest> one = List.of(DeviceTestSupport.request(DeviceTestSupport.image(new Random(1), 64, 48, 4), 16, 16,
                Fit.CONTAIN, false, Filter.TRIANGLE));
        DeviceTestSupport.assertMatchesReference(one, resizer.resize(one), 1, "after bandwidth");
    }

    @Test
    void aClosedSessionRefusesWork() throws DeviceException {
        CudaSession own = CudaTestSupport.openSession();
        CudaResizer r = own.resizer();
        Thread t = r.deviceThread();
        own.close();
        assertTrue(!t.isAlive(), "close ends the device thread");
        List<ResizeRequest> one = List.of(DeviceTestSupport.request(DeviceTestSupport.image(new Random(1), 8, 8, 1), 4, 4,
                Fit.FILL, false, Filter.BOX));
        DeviceException e = assertThrows(DeviceException.class, () -> r.resize(one));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        own.close();
        assertSame(t, r.deviceThread());
    }
}
