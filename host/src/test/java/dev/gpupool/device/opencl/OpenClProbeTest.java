package dev.gpupool.device.opencl;

import dev.gpupool.Backend;
import dev.gpupool.device.ProbeReport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenClProbeTest {

    @Test
    void explicitProbeFindsADeviceAndDescribesEveryDevice() {
        ProbeReport r = OpenClTestSupport.requireOpenCl();
        assertEquals(Backend.OPENCL, r.backend());
        assertTrue(r.usable());
        assertNotNull(r.device());
        OpenClProbe.Scan scan = new OpenClProbe(true).scan();
        assertNull(scan.failure());
        assertFalse(scan.devices().isEmpty());
        assertEquals(scan.usable().getFirst().label(), r.device());
        for (OpenClDevice d : scan.devices()) {
            String line = r.details().stream().filter(l -> l.contains(d.name()) && l.contains("device " + d.deviceIndex()))
                    .findFirst().orElseThrow(() -> new AssertionError("no details line for " + d.name() + " in " + r.details()));
            assertTrue(line.contains("vendor " + d.vendor()), line);
            assertTrue(line.contains("type " + d.type()), line);
            assertTrue(line.contains("MiB global memory"), line);
            assertTrue(line.endsWith("usable") || line.contains("not usable: "), line);
            assertTrue(d.globalMemBytes() > 0 && d.maxAllocBytes() > 0, line);
        }
    }

    @Test
    void autoTakesOnlyGpuLikeDevices() {
        OpenClTestSupport.requireOpenCl();
        OpenClProbe.Scan scan = new OpenClProbe(false).scan();
        boolean anyGpu = scan.devices().stream().anyMatch(d -> d.type().contains("GPU") || d.type().contains("accelerator"));
        ProbeReport r = new OpenClProbe(false).probe(0);
        assertEquals(anyGpu, r.usable(), r.toString());
        for (OpenClDevice d : scan.devices()) {
            if (d.type().equals("CPU")) {
                assertFalse(d.usable(), d.detailLine());
                assertTrue(d.whyNot().contains("asked for by name"), d.detailLine());
            }
        }
        if (!anyGpu) {
            assertNull(r.device());
            assertTrue(r.reason().contains("no usable OpenCL device"), r.reason());
        }
    }

    @Test
    void deviceIndexOutOfRangeIsAReportNotACrash() {
        OpenClTestSupport.requireOpenCl();
        ProbeReport r = new OpenClProbe(true).probe(99);
        assertFalse(r.usable());
        assertTrue(r.reason().contains("out of range"), r.reason());
        assertFalse(r.details().isEmpty());
    }
}
