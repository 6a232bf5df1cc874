package dev.gpupool.device.cuda;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fake as CudaProbe's FFM scan sees it: one device, its name, compute capability and driver version. */
@Tag("cuda")
class FakeCudaSmokeTest {
    @Test
    void theProbeSeesTheFakeDevice() {
        FakeCuda.requireFake();
        CudaProbe.Scan scan = new CudaProbe().scan();
        assertNull(scan.failure(), String.valueOf(scan.details()));
        assertEquals(13000, scan.driverVersion());
        assertEquals(1, scan.usable().size());
        CudaDevice d = scan.usable().get(0);
        assertEquals("gpupool fake CUDA device (CPU emulation)", d.name());
        assertEquals(8, d.major());
        assertEquals(0, d.minor());
        assertTrue(new CudaProbe().probe(0).usable(), "the resizer opens on the fake");
    }
}
