package dev.gpupool.device.cuda;

import dev.gpupool.device.DeviceException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What of the bandwidth measurement runs without a GPU: the arithmetic, the limits, the report line. */
class CudaBandwidthTest {
    @Test
    void gigabytesPerSecond() {
        assertEquals(1.0, CudaBandwidth.gbPerSecond(1_000_000, 1, 1.0), 1e-12); // 1 MB in 1 ms
        assertEquals(25.6, CudaBandwidth.gbPerSecond(256L << 20, 10, 104.8576), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> CudaBandwidth.gbPerSecond(1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> CudaBandwidth.gbPerSecond(1, 1, Double.NaN));
    }

    @Test
    void argumentsAreCheckedBeforeAnyDeviceIsTouched() {
        assertThrows(IllegalArgumentException.class, () -> CudaBandwidth.validate(0, 5));
        assertThrows(IllegalArgumentException.class, () -> CudaBandwidth.validate(1 << 20, 0));
        // JCuda wraps pinned memory in a ByteBuffer: nothing of 2^31 bytes or more may be asked for.
        assertThrows(IllegalArgumentException.class, () -> CudaBandwidth.validate(Integer.MAX_VALUE + 1L, 1));
        assertThrows(IllegalArgumentException.class, () -> CudaBandwidth.validate(CudaBandwidth.MAX_BYTES + 1, 1));
        CudaBandwidth.validate(64L << 20, 10);
    }

    @Test
    void theReportLine() {
        CudaBandwidth.Result r = new CudaBandwidth.Result(64L << 20, 10, 25.04, 1510.26);
        assertEquals("pinned host->device 25.0 GB/s, device->device 1510.3 GB/s (64 MiB x 10)", r.toString());
    }
}
