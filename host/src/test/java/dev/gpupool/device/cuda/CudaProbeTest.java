package dev.gpupool.device.cuda;

import dev.gpupool.Backend;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.ProbeReport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Probing where the driver, the device or the JNI library is missing: a reason, never a crash. */
class CudaProbeTest {
    private static final String MISSING = "libcuda-gpupool-test-missing.so.1";

    @Test
    void aMissingDriverLibraryIsAReason() {
        ProbeReport r = new CudaProbe(MISSING).probe(0);
        assertEquals(Backend.CUDA, r.backend());
        assertFalse(r.usable());
        assertNull(r.device());
        assertEquals("not available: " + MISSING + " not found (no NVIDIA driver installed)", r.reason());
    }

    @Test
    void theLibraryCanBeNamedBySystemProperty() {
        String old = System.getProperty(CudaProbe.LIBRARY_PROPERTY);
        System.setProperty(CudaProbe.LIBRARY_PROPERTY, "/nonexistent/dir/libcuda.so.1");
        try {
            ProbeReport r = new CudaProbe().probe(0);
            assertFalse(r.usable());
            assertTrue(r.reason().contains("/nonexistent/dir/libcuda.so.1 not found"), r.reason());
        } finally {
            if (old == null) System.clearProperty(CudaProbe.LIBRARY_PROPERTY); else System.setProperty(CudaProbe.LIBRARY_PROPERTY, old);
        }
    }

    @Test
    void aLibraryWithoutTheDriverApiIsAReason() {
        ProbeReport r = new CudaProbe("libc.so.6").probe(0); // loads, but has no cuInit
        assertFalse(r.usable());
        assertTrue(r.reason().contains("has no cuInit"), r.reason());
    }

    @Test
    void theDefaultProbeNeverThrowsAndExplainsItself() {
        ProbeReport r = new CudaProbe().probe(0);
        assertTrue(r.reason() != null && !r.reason().isBlank());
        if (r.usable()) {
            assertTrue(r.details().stream().anyMatch(d -> d.contains("PTX") && d.contains("loaded")), r.details().toString());
        } else {
            assertTrue(r.reason().startsWith("not available: "), r.reason());
        }
        ProbeReport far = new CudaProbe().probe(99);
        assertFalse(far.usable(), "there is no 100th usable GPU");
    }

    /**
     * Skipping the FFM check and going straight to JCuda where libcuda.so.1 is missing: its JNI library
     * fails to link. That must come back as a DeviceException naming the cause, twice (the second time
     * the class is already broken), and the device thread must not be left behind.
     */
    @Test
    void jcudasNativeLibraryFailingToLoadIsADeviceException() throws Exception {
        Assumptions.assumeTrue(new CudaProbe().scan().failure() != null,
                "a CUDA driver is installed here, so JCuda's library loads; this covers machines without one");
        CudaDevice fake = new CudaDevice(0, "no such GPU", 9, 0, 13000);
        for (int attempt = 0; attempt < 2; attempt++) {
            DeviceException e = assertThrows(DeviceException.class, () -> CudaSession.open(fake));
            assertTrue(e.getMessage().contains("JCuda driver library could not be loaded"), e.getMessage());
            System.out.println("attempt " + attempt + ": " + e.getMessage());
        }
        Thread.sleep(100);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("gpupool-cuda-") && t.isAlive()),
                "device threads of failed opens must end");
    }
}
