package dev.gpupool.device.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaunchGeometryTest {
    @Test
    void coversEveryWorkItemWithWholeBlocks() {
        assertEquals(new LaunchGeometry(1, 256), LaunchGeometry.of(1)); // a 1x1 image
        assertEquals(new LaunchGeometry(1, 256), LaunchGeometry.of(256));
        assertEquals(new LaunchGeometry(2, 256), LaunchGeometry.of(257));
        for (long total : new long[]{1, 2, 255, 256, 257, 1000, 65_535, 65_536, 1L << 24, 123_456_789}) {
            LaunchGeometry g = LaunchGeometry.of(total);
            assertTrue(g.threads() >= total, total + " items, " + g);
            assertTrue(g.threads() - total < g.blockX(), "at most one partial block for " + total);
            assertEquals(0, g.blockX() % 32, "whole warps");
        }
    }

    @Test
    void hugeLaunchesStayWithinIntIndexing() {
        long max = Integer.MAX_VALUE - 255; // the largest total whose grid still fits 2^31 threads
        LaunchGeometry g = LaunchGeometry.of(max);
        assertEquals(8_388_607, g.gridX());
        assertTrue(g.threads() <= Integer.MAX_VALUE);
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.of(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.of(1L << 40));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.of(0));
    }
}
