package dev.gpupool.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The discovery script Spark runs on every node: its output is what Spark parses, so it is checked exactly. */
class GpuDiscoveryScriptTest {
    static final Path SCRIPT = Path.of("scripts/gpu-discovery.sh").toAbsolutePath();

    static String run(Path binDir) throws IOException, InterruptedException {
        return run(binDir, null);
    }

    static String run(Path binDir, String fake) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", SCRIPT.toString());
        pb.environment().put("PATH", binDir + ":/usr/bin:/bin");
        pb.environment().remove("GPUPOOL_FAKE_GPUS");
        if (fake != null) pb.environment().put("GPUPOOL_FAKE_GPUS", fake);
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.strip();
    }

    @Test
    void listsTheIndicesNvidiaSmiReports(@TempDir Path bin) throws Exception {
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\n[ \"$1\" = --query-gpu=index ] && printf '0\\n 1\\n3\\n'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\",\"3\"]}", run(bin));
    }

    @Test
    void noNvidiaSmiMeansNoGpus(@TempDir Path bin) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("/usr/bin/nvidia-smi")) || Files.exists(Path.of("/bin/nvidia-smi")));
        assertEquals("{\"name\":\"gpu\",\"addresses\":[]}", run(bin));
    }

    @Test
    void fakeAddressesAreAnnouncedInsteadOfTheNodesGpus(@TempDir Path bin) throws Exception {
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\nprintf '0\\n1\\n'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"7\",\"9\"]}", run(bin, "7,9"));
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"5\"]}", run(bin, "5 bad\"quote"));
        assertEquals("{\"name\":\"gpu\",\"addresses\":[]}", run(bin, ""));
    }
}
