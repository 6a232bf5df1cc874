package dev.gpupool.device.cuda;

import dev.gpupool.device.DeviceTestSupport;
import dev.gpupool.device.BatchLayout;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.ResampleWeights;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared chunk layout, checked on the host: descriptor fields, chunking, and a CPU walk of the tables. */
class BatchLayoutTest {
    private static ByteBuffer buf(long n) {
        return ByteBuffer.allocate((int) Math.max(n, 4)).order(ByteOrder.nativeOrder());
    }

    /** Packs every chunk as the resizer would, runs the kernel emulation, unpacks. */
    private static PixelBuffer[] packAndEmulate(List<ResizeRequest> batch, long target, long maxAlloc, int[] chunkCount) {
        BatchLayout.Need[] needs = BatchLayout.needs(batch);
        PixelBuffer[] out = new PixelBuffer[batch.size()];
        int chunks = 0;
        for (int i = 0; i < batch.size(); ) {
            int j = BatchLayout.chunkEnd(needs, i, target, maxAlloc);
            assertTrue(j > i, "a chunk takes at least one request");
            BatchLayout.Sizes z = BatchLayout.Sizes.of(needs, i, j);
            ByteBuffer src = buf(z.src()), meta = buf(z.meta()), wts = buf(z.wts());
            BatchLayout.Packed p = BatchLayout.pack(batch, needs, i, j, src, meta, wts);
            assertEquals(z.hItems(), p.hTotal());
            assertEquals(z.vItems(), p.vTotal());
            p.unpack(KernelEmulator.run(src, meta, wts, p, z.mid(), z.dst()), out);
            chunks++;
            i = j;
        }
        chunkCount[0] = chunks;
        return out;
    }

    @Test
    void oneImageAtSeveralSizesIsUploadedOncePerChunk() {
        java.util.Random rnd = new java.util.Random(3);
        dev.gpupool.image.PixelBuffer img = DeviceTestSupport.image(rnd, 300, 200, 3);
        dev.gpupool.image.PixelBuffer other = DeviceTestSupport.image(rnd, 90, 60, 4);
        List<ResizeRequest> batch = List.of(
                DeviceTestSupport.request(img, 128, 128, dev.gpupool.image.Fit.CONTAIN, false, dev.gpupool.image.Filter.LANCZOS3),
                DeviceTestSupport.request(img, 64, 64, dev.gpupool.image.Fit.CONTAIN, false, dev.gpupool.image.Filter.LANCZOS3),
                DeviceTestSupport.request(img, 16, 16, dev.gpupool.image.Fit.COVER, false, dev.gpupool.image.Filter.MITCHELL),
                DeviceTestSupport.request(other, 32, 32, dev.gpupool.image.Fit.CONTAIN, false, dev.gpupool.image.Filter.BOX));
        BatchLayout.Need[] needs = BatchLayout.needs(batch);
        BatchLayout.Sizes z = BatchLayout.Sizes.of(needs, 0, 4);
        assertEquals(300L * 200 * 3 + 90L * 60 * 4, z.src(), "each distinct source once");
        // A chunk that starts at the second size must carry the pixels again.
        assertEquals(300L * 200 * 3, BatchLayout.Sizes.of(needs, 1, 3).src());
        int[] chunks = new int[1];
        PixelBuffer[] got = packAndEmulate(batch, Long.MAX_VALUE, BatchLayout.INT_LIMIT, chunks);
        assertEquals(0L, DeviceTestSupport.assertMatchesReference(batch, Arrays.asList(got), 0, "shared source")[0]);
        // Cut between the sizes: still right.
        got = packAndEmulate(batch, 300L * 200 * 3 + 1, BatchLayout.INT_LIMIT, chunks);
        assertTrue(chunks[0] >= 2, "expected the tight target to cut the batch, got " + chunks[0] + " chunk(s)");
        assertEquals(0L, DeviceTestSupport.assertMatchesReference(batch, Arrays.asList(got), 0, "shared source, cut")[0]);
    }

    @Test
    void walkingTheDescriptorTablesReproducesTheReferenceBitForBit() {
        List<ResizeRequest> batch = CudaTestSupport.everyFilterFitAndChannelCount(42);
        int[] chunks = new int[1];
        PixelBuffer[] got = packAndEmulate(batch, Long.MAX_VALUE, BatchLayout.INT_LIMIT, chunks);
        assertEquals(1, chunks[0]);
        assertEquals(0L, DeviceTestSupport.assertMatchesReference(batch, Arrays.asList(got), 0, "emulated single chunk")[0]);
    }

    @Test
    void smallChunksGiveTheSameResults() {
        Random rnd = new Random(9);
        Filter[] filters = Filter.values();
        int[][] shapes = {{1, 1, 3}, {1, 50, 4}, {50, 1, 2}, {333, 17, 1}, {150, 100, 3}, {64, 47, 4}, {3, 5, 2}, {2, 2, 4}};
        List<ResizeRequest> batch = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            int[] s = shapes[i];
            batch.add(DeviceTestSupport.request(DeviceTestSupport.image(rnd, s[0], s[1], s[2]), 30 + i * 7, 20 + i * 5,
                    Fit.values()[i % 3], i % 4 == 0, filters[i % filters.length]));
        }
        int[] chunks = new int[1];
        PixelBuffer[] got = packAndEmulate(batch, 40_000, 40_000, chunks);
        assertTrue(chunks[0] > 2, "expected several chunks, got " + chunks[0]);
        DeviceTestSupport.assertMatchesReference(batch, Arrays.asList(got), 0, "emulated chunks");
    }

    @Test
    void aTinyAxisUpscaledWithAWideFilterMatches() {
        PixelBuffer src = DeviceTestSupport.image(new Random(3), 2, 3, 4);
        List<ResizeRequest> batch = List.of(new ResizeRequest(src, ResampleWeights.compute(Filter.LANCZOS3, 2, 9),
                ResampleWeights.compute(Filter.LANCZOS3, 3, 1)));
        assertEquals(2, batch.getFirst().x().taps(), "lanczos3 over a 2-pixel axis spans the whole axis");
        PixelBuffer[] got = packAndEmulate(batch, Long.MAX_VALUE, BatchLayout.INT_LIMIT, new int[1]);
        DeviceTestSupport.assertMatchesReference(batch, Arrays.asList(got), 0, "tiny");
    }

    @Test
    void descriptorFieldsFollowResizeBodyH() {
        Random rnd = new Random(1);
        ResizeRequest a = DeviceTestSupport.request(DeviceTestSupport.image(rnd, 40, 30, 3), 20, 20, Fit.CONTAIN, false, Filter.TRIANGLE);
        ResizeRequest b = DeviceTestSupport.request(DeviceTestSupport.image(rnd, 10, 12, 4), 5, 6, Fit.FILL, false, Filter.MITCHELL);
        List<ResizeRequest> batch = List.of(a, b);
        BatchLayout.Need[] needs = BatchLayout.needs(batch);
        BatchLayout.Sizes z = BatchLayout.Sizes.of(needs, 0, 2);
        ByteBuffer src = buf(z.src()), metaB = buf(z.meta()), wtsB = buf(z.wts());
        BatchLayout.Packed p = BatchLayout.pack(batch, needs, 0, 2, src, metaB, wtsB);
        IntBuffer meta = metaB.asIntBuffer();
        int ax = a.x().outSize(), ay = a.y().outSize();
        int[] da = new int[16], db = new int[16];
        meta.get(0, da);
        meta.get(16, db);
        assertArrayEquals(new int[]{0, 40, 30, 3, ax, ay, 0, 0, 32, 0, a.x().taps(), 32 + ax, ax * a.x().taps(), a.y().taps(), 0, 0}, da);
        int bx = b.x().outSize(), by = b.y().outSize();
        int aw = ax * a.x().taps() + ay * a.y().taps();
        assertArrayEquals(new int[]{40 * 30 * 3, 10, 12, 4, bx, by, 30 * ax * 3, ax * ay * 3, 32 + ax + ay, aw, b.x().taps(),
                32 + ax + ay + bx, aw + bx * b.x().taps(), b.y().taps(), 30 * ax, ax * ay}, db);
        assertEquals(a.x().first(ax - 1), meta.get(32 + ax - 1));
        assertEquals(b.y().first(0), meta.get(32 + ax + ay + bx));
        assertEquals(b.x().weight(1, 0), wtsB.asFloatBuffer().get(aw + b.x().taps()));
        assertEquals(src.get(40 * 30 * 3 + 5), b.src().data()[5]);
        assertEquals(30 * ax + 12 * bx, p.hTotal());
        assertEquals(ax * ay + bx * by, p.vTotal());
        assertEquals(16L * 2 * 4 + 4L * (ax + ay + bx + by), z.meta());
        assertArrayEquals(new int[]{0, ax * ay * 3}, p.dstOffsets());
    }

    @Test
    void chunkingRespectsTargetAndPerBufferLimit() {
        BatchLayout.Need small = new BatchLayout.Need(100, 400, 30, 80, 40, 10, 10); // 650 bytes
        BatchLayout.Need big = new BatchLayout.Need(5000, 100, 10, 80, 40, 10, 10);
        BatchLayout.Need[] needs = {small, small, small, big, small};
        assertEquals(2, BatchLayout.chunkEnd(needs, 0, 1300, 1 << 20), "two of 650 bytes fit 1300");
        assertEquals(1, BatchLayout.chunkEnd(needs, 0, 649, 1 << 20), "the first request is always taken");
        assertEquals(3, BatchLayout.chunkEnd(needs, 2, 1 << 20, 4999), "src over the per-buffer limit ends the chunk before it");
        assertEquals(4, BatchLayout.chunkEnd(needs, 3, 100, 100), "an oversized first request still makes a chunk");
        assertEquals(5, BatchLayout.chunkEnd(needs, 0, 1 << 20, 1 << 20));
        // pipelining: about four chunks for a big remainder, never below the minimum, never above the budget
        BatchLayout.Need mb = new BatchLayout.Need(10L << 20, 20L << 20, 2L << 20, 1000, 1000, 1, 1);
        BatchLayout.Need[] many = new BatchLayout.Need[40];
        Arrays.fill(many, mb);
        long total = 40 * mb.total();
        assertEquals((total + 3) / 4, BatchLayout.pipelineTarget(many, 0, Long.MAX_VALUE));
        assertEquals(100L << 20, BatchLayout.pipelineTarget(many, 0, 100L << 20));
        assertEquals(BatchLayout.MIN_PIPELINE_CHUNK, BatchLayout.pipelineTarget(needs, 0, Long.MAX_VALUE));
    }

    @Test
    void chunksOverTheKernelsIntOffsetsAreRefused() {
        // 46341^2 > 2^31: one grey image whose intermediate alone overflows int float offsets
        ResampleWeights x = ResampleWeights.compute(Filter.BOX, 1, 1);
        BatchLayout.Need n = new BatchLayout.Need(BatchLayout.INT_LIMIT + 1, 4, 1, 80, 4, 1, 1);
        PixelBuffer tiny = new PixelBuffer(1, 1, 1, new byte[1]);
        List<ResizeRequest> batch = List.of(new ResizeRequest(tiny, x, x));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchLayout.pack(batch, new BatchLayout.Need[]{n}, 0, 1, buf(4), buf(80), buf(4)));
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains("int offsets"), e.getMessage());
    }

    @Test
    void emulatedRoundingMatchesRoundf() {
        assertEquals(3, KernelEmulator.toU8(2.5f));
        assertEquals(2, KernelEmulator.toU8(2.4999998f));
        assertEquals(0, KernelEmulator.toU8(-0.6f));
        assertEquals((byte) 255, KernelEmulator.toU8(255.49f));
        assertEquals((byte) 255, KernelEmulator.toU8(300f));
        assertEquals(0, KernelEmulator.toU8(Float.NaN));
    }

    @Test
    void growKeepsAlignmentAndLimits() {
        assertEquals(4096, BatchLayout.grow(0, 1, 1L << 30));
        assertEquals(4096 * 3, BatchLayout.grow(8192, 8193, 1L << 30)); // 1.5x, aligned
        assertEquals(1_000_000, BatchLayout.grow(0, 1_000_000, 1_000_000)); // the limit wins over alignment
        assertEquals(5000, BatchLayout.grow(0, 5000, 4000)); // but never below the need
    }
}
