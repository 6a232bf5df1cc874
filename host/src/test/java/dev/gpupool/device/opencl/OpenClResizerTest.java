package dev.gpupool.device.opencl;

import dev.gpupool.device.DeviceTestSupport;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.ResampleWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenCL resize against the CPU reference, on whatever device the machine has (PoCL in CI). */
class OpenClResizerTest {
    @TempDir
    static Path cacheDir;
    /** One resizer for the class: building the program takes seconds on PoCL. */
    static OpenClResizer resizer;

    @BeforeAll
    static void open() throws DeviceException {
        OpenClTestSupport.requireOpenCl();
        long t0 = System.nanoTime();
        resizer = OpenClResizer.open(0, true, cacheDir);
        System.out.printf("opened %s in %d ms (from cache: %s, options '%s')%n", resizer.deviceName(),
                (System.nanoTime() - t0) / 1_000_000, resizer.programFromCache(), resizer.buildOptions());
    }

    @AfterAll
    static void close() {
        if (resizer != null) resizer.close();
    }

    /** Fit mode name, fit, upscale, box. */
    static Stream<Arguments> filtersAndModes() {
        List<Arguments> out = new ArrayList<>();
        for (Filter f : Filter.values()) {
            out.add(Arguments.of(f, "contain", Fit.CONTAIN, false, 48, 40));
            out.add(Arguments.of(f, "cover", Fit.COVER, false, 37, 37));
            out.add(Arguments.of(f, "fill", Fit.FILL, false, 50, 23));
            out.add(Arguments.of(f, "upscale", Fit.CONTAIN, true, 150, 140));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("filtersAndModes")
    void matchesReferenceForEveryFilterFitAndChannelCount(Filter filter, String mode, Fit fit, boolean upscale, int boxW, int boxH)
            throws DeviceException {
        Random rnd = new Random(filter.ordinal() * 31L + mode.hashCode());
        List<ResizeRequest> batch = new ArrayList<>();
        int[][] sizes = {{97, 61}, {61, 97}, {33, 33}, {129, 7}};
        for (int ch = 1; ch <= 4; ch++) {
            for (int[] s : sizes) {
                batch.add(DeviceTestSupport.request(DeviceTestSupport.image(rnd, s[0], s[1], ch), boxW, boxH, fit, upscale, filter));
            }
        }
        if (fit == Fit.COVER) { // the crop window really crops
            ResizeRequest r = batch.getFirst();
            assertTrue(r.x().first(0) > 0 || r.y().first(0) > 0, "cover should crop 97x61 into a square");
        }
        List<PixelBuffer> got = resizer.resize(batch);
        long[] stats = DeviceTestSupport.assertMatchesReference(batch, got, 1, filter + " " + mode);
        System.out.printf("%s %s: max diff %d, %d samples differ%n", filter, mode, stats[0], stats[1]);
    }

    @Test
    void sharpenedRequestsMatchTheCpuSharpening() throws DeviceException {
        assertTrue(resizer.sharpens());
        List<ResizeRequest> batch = DeviceTestSupport.sharpenBatch(new Random(18));
        List<PixelBuffer> got = resizer.resize(batch);
        long[] stats = DeviceTestSupport.assertMatchesReference(batch, got, 1, "sharpened");
        int own = DeviceTestSupport.sharpenDiff(batch, resizer.resize(DeviceTestSupport.unsharpened(batch)), got);
        assertTrue(own <= 1, "the kernel's sharpening of its own resize, against the CPU's: " + own);
        System.out.printf("sharpen: max diff %d against the reference, %d against the CPU sharpening of the device resize%n", stats[0], own);
    }

    @Test
    void batchOfDifferentlySizedImagesInOneCall() throws DeviceException {
        Random rnd = new Random(7);
        Filter[] filters = Filter.values();
        int[][] shapes = {{1, 1, 3}, {1, 50, 4}, {50, 1, 2}, {333, 17, 1}, {1500, 1000, 3}, {641, 479, 4}, {3, 5, 2},
                {256, 256, 3}, {1023, 77, 4}, {77, 1023, 1}, {2, 2, 4}, {400, 300, 3}};
        List<ResizeRequest> batch = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            int[] s = shapes[i];
            Fit fit = Fit.values()[i % 3];
            batch.add(DeviceTestSupport.request(DeviceTestSupport.image(rnd, s[0], s[1], s[2]), 64 + i * 7, 48 + i * 5,
                    fit, i % 4 == 0, filters[i % filters.length]));
        }
        List<PixelBuffer> got = resizer.resize(batch);
        DeviceTestSupport.assertMatchesReference(batch, got, 1, "mixed batch");
        assertTrue(resizer.lastBatchChunks() >= 1);
        // The same images again: reused buffers must not leak the previous batch into this one.
        List<ResizeRequest> reversed = new ArrayList<>(batch);
        java.util.Collections.reverse(reversed);
        DeviceTestSupport.assertMatchesReference(reversed, resizer.resize(reversed), 1, "mixed batch reversed");
    }

    @Test
    void fewerTapsThanTheFilterNeedsClampsIndices() throws DeviceException {
        // 2-pixel axis upscaled with lanczos3: taps > inSize, so the kernel must clamp its reads.
        PixelBuffer src = DeviceTestSupport.image(new Random(3), 2, 3, 4);
        ResampleWeights x = ResampleWeights.compute(Filter.LANCZOS3, 2, 9);
        ResampleWeights y = ResampleWeights.compute(Filter.LANCZOS3, 3, 1);
        List<ResizeRequest> batch = List.of(new ResizeRequest(src, x, y));
        DeviceTestSupport.assertMatchesReference(batch, resizer.resize(batch), 1, "tiny");
    }

    @Test
    void concurrentCallersGetTheirOwnResults() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    Random rnd = new Random(100 + seed);
                    List<ResizeRequest> batch = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        batch.add(DeviceTestSupport.request(DeviceTestSupport.image(rnd, 90 + seed * 13 + i, 70 + i, 1 + (seed + i) % 4),
                                32, 32, Fit.CONTAIN, false, Filter.MITCHELL));
                    }
                    DeviceTestSupport.assertMatchesReference(batch, resizer.resize(batch), 1, "thread " + seed);
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void secondOpenUsesTheBinaryCacheAndSmallAllocationLimitsSplitTheBatch() throws Exception {
        Path file = resizer.cacheFile();
        assertTrue(Files.isRegularFile(file) && Files.size(file) > 0, "the first open should have cached " + file
                + " (note: " + resizer.cacheNote() + ")");
        try (OpenClResizer second = OpenClResizer.open(0, true, cacheDir)) {
            assertTrue(second.programFromCache(), "second open should load " + file + " (note: " + second.cacheNote() + ")");
            assertEquals(file, second.cacheFile());

            // A device that can allocate only 64 KiB per buffer: many chunks, same results.
            second.limitMaxAllocForTesting(64 << 10);
            Random rnd = new Random(11);
            List<ResizeRequest> batch = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                batch.add(DeviceTestSupport.request(DeviceTestSupport.image(rnd, 60 + i * 3, 50 + i, 1 + i % 4), 40, 40,
                        Fit.COVER, false, Filter.LANCZOS3));
            }
            DeviceTestSupport.assertMatchesReference(batch, second.resize(batch), 1, "chunked");
            assertTrue(second.lastBatchChunks() > 2, "expected several chunks, got " + second.lastBatchChunks());

            // An image that cannot fit at all is named, so the caller can run it on the CPU.
            List<ResizeRequest> withHuge = List.of(batch.get(0),
                    DeviceTestSupport.request(DeviceTestSupport.image(rnd, 300, 300, 3), 40, 40, Fit.CONTAIN, false, Filter.BOX));
            OpenClImageTooLargeException e = assertThrows(OpenClImageTooLargeException.class, () -> second.resize(withHuge));
            assertEquals(1, e.requestIndex());
            assertTrue(e.getMessage().contains("image #1 (300x300x3"), e.getMessage());
            // ... and the resizer still works afterwards.
            DeviceTestSupport.assertMatchesReference(batch.subList(0, 3), second.resize(batch.subList(0, 3)), 1, "after too-large");
        }
    }

    @Test
    void aCorruptCachedBinaryIsRebuiltAndAnUnwritableCacheIsHarmless(@TempDir Path other) throws Exception {
        Path file = other.resolve(resizer.cacheFile().getFileName());
        byte[] garbage = "not a program binary".getBytes();
        Files.write(file, garbage);
        try (OpenClResizer r = OpenClResizer.open(0, true, other)) {
            assertFalse(r.programFromCache());
            assertNotNull(r.cacheNote());
            assertTrue(r.cacheNote().contains("rejected"), r.cacheNote());
            assertFalse(Arrays.equals(garbage, Files.readAllBytes(file)), "the rebuilt binary should replace the corrupt one");
            List<ResizeRequest> batch = List.of(DeviceTestSupport.request(DeviceTestSupport.image(new Random(5), 80, 60, 4),
                    30, 30, Fit.CONTAIN, false, Filter.TRIANGLE));
            DeviceTestSupport.assertMatchesReference(batch, r.resize(batch), 1, "after rebuild");
        }
        // A cache "folder" below a regular file can never be created: open must still work.
        Path blocked = other.resolve("a-file");
        Files.write(blocked, new byte[]{1});
        try (OpenClResizer r = OpenClResizer.open(0, true, blocked.resolve("cache"))) {
            assertFalse(r.programFromCache());
            assertTrue(r.cacheNote() != null && r.cacheNote().contains("not cached"), String.valueOf(r.cacheNote()));
        }
    }

    @Test
    void aBuildFailureCarriesTheBuildLog(@TempDir Path dir) {
        OpenClDevice device = resizer.device();
        String broken = "__kernel void gp_broken(__global int* p) { p[0] = undeclared_gp_symbol; }\n";
        DeviceException e = assertThrows(DeviceException.class, () -> OpenClResizer.openWithSource(device, dir, broken));
        assertTrue(e.getMessage().contains("build failed"), e.getMessage());
        assertTrue(e.getMessage().contains("undeclared_gp_symbol"), "the build log should name the error: " + e.getMessage());
    }

    @Test
    void closedResizerRefusesWork() throws Exception {
        OpenClResizer r = OpenClResizer.open(0, true, cacheDir); // from the cache: cheap
        r.close();
        r.close(); // idempotent
        List<ResizeRequest> batch = List.of(DeviceTestSupport.request(DeviceTestSupport.image(new Random(1), 8, 8, 3),
                4, 4, Fit.FILL, false, Filter.BOX));
        DeviceException e = assertThrows(DeviceException.class, () -> r.resize(batch));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
