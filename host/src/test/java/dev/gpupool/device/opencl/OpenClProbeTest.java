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
        OpenClProbe.Scan scan = new OpenClProbe(false, null).scan(); // the drivers asked, even PoCL alone
        boolean anyGpu = scan.devices().stream().anyMatch(d -> d.type().contains("GPU") || d.type().contains("accelerator"));
        ProbeReport r = new OpenClProbe(false, null).probe(0);
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

    /**
     * {@code auto} does not load PoCL to learn that its devices are CPUs: the ICD files say so. Any other
     * driver, an empty or unreadable list, or {@code OCL_ICD_FILENAMES} means the drivers are asked.
     */
    @Test
    void autoSkipsTheDriversWhenTheOnlyOnesArePocl(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path pocl = java.nio.file.Files.createDirectories(tmp.resolve("pocl"));
        java.nio.file.Files.writeString(pocl.resolve("pocl.icd"), "libpocl.so.2.10.0\n");
        java.nio.file.Files.writeString(pocl.resolve("README"), "not an ICD file");
        String why = OpenClProbe.cpuOnlyDrivers(java.util.Map.of(), pocl);
        assertNotNull(why);
        assertTrue(why.contains("libpocl.so.2.10.0") && why.contains("asked for by name"), why);
        OpenClProbe.Scan scan = new OpenClProbe(false, pocl).scan();
        assertTrue(scan.devices().isEmpty());
        assertTrue(scan.failure().startsWith("not probed: the only OpenCL driver is libpocl"), scan.failure());
        assertFalse(new OpenClProbe(false, pocl).probe(0).usable());

        java.nio.file.Path mixed = java.nio.file.Files.createDirectories(tmp.resolve("mixed"));
        java.nio.file.Files.writeString(mixed.resolve("pocl.icd"), "libpocl.so.2\n");
        java.nio.file.Files.writeString(mixed.resolve("nvidia.icd"), "libnvidia-opencl.so.1\n");
        assertNull(OpenClProbe.cpuOnlyDrivers(java.util.Map.of(), mixed));
        assertNull(OpenClProbe.cpuOnlyDrivers(java.util.Map.of(), java.nio.file.Files.createDirectories(tmp.resolve("empty"))));
        assertNull(OpenClProbe.cpuOnlyDrivers(java.util.Map.of(), tmp.resolve("missing")));
        assertNull(OpenClProbe.cpuOnlyDrivers(java.util.Map.of("OCL_ICD_FILENAMES", "/opt/x/libOther.so"), pocl));
        assertNull(OpenClProbe.cpuOnlyDrivers(java.util.Map.of("OCL_ICD_VENDORS", mixed.toString()), pocl));
        assertNotNull(OpenClProbe.cpuOnlyDrivers(java.util.Map.of("OCL_ICD_VENDORS", pocl.toString()), mixed));
        // asked for by name, PoCL is still loaded and its CPU device taken
        String named = new OpenClProbe(true, pocl).scan().failure();
        assertTrue(named == null || !named.startsWith("not probed"), named);
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
