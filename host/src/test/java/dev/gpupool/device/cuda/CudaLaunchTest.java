package dev.gpupool.device.cuda;

import dev.gpupool.kernel.Arg;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The GPU-free half of CUDA launches: geometry and scalar marshalling. */
class CudaLaunchTest {
    @Test
    void theGridCoversEveryItemWithWholeBlocks() {
        assertEquals(1, CudaLaunch.gridFor(1));
        assertEquals(1, CudaLaunch.gridFor(256));
        assertEquals(2, CudaLaunch.gridFor(257));
        assertEquals(8388608, CudaLaunch.gridFor(Integer.MAX_VALUE)); // no overflow at the top
        assertThrows(IllegalArgumentException.class, () -> CudaLaunch.gridFor(0));
    }

    @Test
    void scalarsAreTheirLittleEndianBytesAtTheParametersSize() {
        assertArrayEquals(new byte[]{7, 0, 0, 0}, CudaLaunch.scalarBytes(new Arg.Scalar(7)));
        assertArrayEquals(new byte[]{0, 0, (byte) 0x80, 0x3f}, CudaLaunch.scalarBytes(new Arg.Scalar(1f)));
        assertArrayEquals(new byte[]{1, 0, 0, 0, 0, 0, 0, (byte) 0x80}, CudaLaunch.scalarBytes(new Arg.Scalar(Long.MIN_VALUE + 1)));
        assertArrayEquals(new byte[]{0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f}, CudaLaunch.scalarBytes(new Arg.Scalar(1.0)));
    }
}
