package dev.gpupool.device.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The committed kernels/resize.ptx is current with resize.cu and its headers, and is what the launcher expects. */
class PtxTest {
    static final String REGENERATE = "run kernels/build-ptx.sh (nvcc -ptx -arch=compute_75) and commit kernels/resize.ptx";

    static Path kernelsDir() {
        String p = System.getProperty("gpupool.kernels.dir");
        Path dir = p != null ? Path.of(p) : Path.of(System.getProperty("user.dir")).resolve("../kernels");
        assertTrue(Files.isRegularFile(dir.resolve("resize.cu")), "kernels folder not found at " + dir.toAbsolutePath());
        return dir.normalize();
    }

    @Test
    void theJarCarriesTheCommittedPtx() throws IOException {
        assertEquals(Files.readString(kernelsDir().resolve("resize.ptx"), StandardCharsets.US_ASCII), Ptx.load().text());
        byte[] image = Ptx.load().image();
        assertEquals(0, image[image.length - 1], "cuModuleLoadData needs a NUL-terminated PTX string");
    }

    @Test
    void theSourceHashRecordedInThePtxMatchesTheSources() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String s : Ptx.SOURCES) sha.update(Files.readAllBytes(kernelsDir().resolve(s)));
        String now = HexFormat.of().formatHex(sha.digest());
        String recorded = Ptx.load().sourceHash();
        assertNotNull(recorded, "kernels/resize.ptx has no source hash line; " + REGENERATE);
        assertEquals(recorded, now, "kernels/resize.ptx is stale: " + String.join(", ", Ptx.SOURCES) + " changed since it was generated; " + REGENERATE);
    }

    @Test
    void theEntryPointsWithTheLaunchersParameterCountsForSm75() throws IOException {
        Ptx ptx = Ptx.load();
        assertEquals(List.of(new Ptx.Entry("gp_resize_h", 6), new Ptx.Entry("gp_resize_v", 6), new Ptx.Entry("gp_sharpen", 6),
                        new Ptx.Entry("gp_orient", 7)),
                ptx.entries(), "the resize passes and the sharpening (CudaResizer.launch) and the orientation (CudaOrient.launchOrient)");
        assertEquals("sm_75", ptx.target(), "compute_75 PTX says .target sm_75");
        assertNotNull(ptx.isaVersion());
        assertTrue(ptx.text().contains(".address_size 64"));
        // Bit-exactness with the Java reference needs unfused multiply and add (gp_portable.h's __fmul_rn/__fadd_rn).
        assertFalse(ptx.text().contains("fma."), "the PTX contains a fused multiply-add; results would drift from the reference");
        assertFalse(ptx.text().contains(".approx"), "the PTX contains an approximate operation (division must be IEEE)");
    }

    /** The PTX declares ISA 7.0 (see kernels/ptx-isa.sh), so CUDA 11.0+ drivers load it, not only CUDA 13's. */
    @Test
    void thePtxLoadsOnDriversFromCuda11() throws Exception {
        Ptx ptx = Ptx.load();
        assertEquals("7.0", ptx.isaVersion(), "kernels/resize.ptx: " + REGENERATE);
        assertEquals("11.0", ptx.minimumDriverCuda());
        for (String k : java.util.List.of("saxpy", "grey", "blur")) {
            String text = Files.readString(kernelsDir().resolve("examples/" + k + ".ptx"), StandardCharsets.US_ASCII);
            assertTrue(text.contains("\n.version 7.0\n"), "kernels/examples/" + k + ".ptx must declare PTX ISA 7.0: run kernels/build-example-ptx.sh");
        }
    }

    @Test
    void driverVersionNeededForMessages() {
        assertEquals("13.0", new Ptx(".version 9.0\n").minimumDriverCuda());
        assertEquals("12.8", new Ptx(".version 8.7\n").minimumDriverCuda());
        assertEquals("12.4", new Ptx(".version 8.4\n").minimumDriverCuda());
        assertEquals("a\nb\n", Ptx.normalized("// x\na  \n\n  // y\nb\n"));
        assertEquals("release 13.0, V13.0.88", Ptx.compilerRelease("// Cuda compilation tools, release 13.0, V13.0.88\n"));
    }

    /** Regenerates with nvcc into a temp file; runs wherever nvcc is on the PATH. */
    @Test
    void thePtxIsWhatNvccMakesOfTheSources() throws Exception {
        Path nvcc = onPath("nvcc");
        Assumptions.assumeTrue(nvcc != null, "nvcc is not on the PATH: the committed PTX was not regenerated for comparison");
        Path tmp = Files.createTempFile("resize", ".ptx");
        try {
            // Through the build script itself, so the comparison applies exactly its rules (the declared ISA).
            run(kernelsDir(), "sh", "build-ptx.sh", tmp.toString());
            String fresh = Files.readString(tmp, StandardCharsets.US_ASCII);
            String committed = Ptx.load().text();
            if (Ptx.normalized(fresh).equals(Ptx.normalized(committed))) return;
            String freshRelease = Ptx.compilerRelease(fresh), committedRelease = Ptx.compilerRelease(committed);
            if (freshRelease != null && !freshRelease.equals(committedRelease)) {
                Assumptions.abort("nvcc here (" + freshRelease + ") differs from the one that generated kernels/resize.ptx ("
                        + committedRelease + "), so their output may differ without the PTX being stale; the source hash test still applies");
            }
            fail("kernels/resize.ptx differs from what " + freshRelease + " makes of kernels/resize.cu; " + REGENERATE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** ptxas assembles the PTX for sm_75 and for sm_90 (H100/H200), as the driver's JIT will. */
    @Test
    void ptxasAcceptsThePtxForTuringAndHopper() throws Exception {
        Path ptxas = onPath("ptxas");
        Assumptions.assumeTrue(ptxas != null, "ptxas is not on the PATH: the PTX was not assembled ahead of the driver");
        for (String arch : List.of("sm_75", "sm_90")) {
            Path out = Files.createTempFile("resize-" + arch, ".cubin");
            try {
                run(kernelsDir(), ptxas.toString(), "-arch=" + arch, "-o", out.toString(), "resize.ptx");
                assertTrue(Files.size(out) > 0, "ptxas wrote nothing for " + arch);
            } finally {
                Files.deleteIfExists(out);
            }
        }
    }

    private static Path onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", new ArrayList<>(List.of(cmd))) + " failed:\n" + out);
    }
}
