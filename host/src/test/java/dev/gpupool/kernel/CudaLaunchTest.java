package dev.gpupool.kernel;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The GPU-free half of CUDA launches: geometry, scalar marshalling, and the shipped PTX's entry points. */
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

    /** build-example-ptx.sh records the sha256 of each example's sources; an edited .cl without new PTX fails here. */
    @Test
    void theShippedPtxIsNotStale() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("gpupool.kernels.dir", "../kernels"));
        for (String k : List.of("saxpy", "grey", "blur")) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (String f : List.of("examples/" + k + ".cu", "examples/" + k + ".cl", "gp_portable.h")) all.write(java.nio.file.Files.readAllBytes(dir.resolve(f)));
            String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(all.toByteArray()));
            String ptx = java.nio.file.Files.readString(dir.resolve("examples/" + k + ".ptx"));
            assertEquals(true, ptx.contains("// gpupool-source-sha256: " + hash + "\n"),
                    "kernels/examples/" + k + ".ptx is stale: run kernels/build-example-ptx.sh");
        }
    }

    @Test
    void theShippedPtxHasEachExampleEntryWithItsDeclaredParameters() {
        Map<Kernel, String> ptx = Map.of(ExampleKernels.saxpy(), "examples/saxpy.ptx", ExampleKernels.grey(), "examples/grey.ptx",
                ExampleKernels.blur(), "examples/blur.ptx");
        for (var e : ptx.entrySet()) {
            String text = Kernel.resource(e.getValue());
            assertEquals(List.of(e.getKey().name()), PtxEntries.names(text));
            assertEquals(e.getKey().params().size(), PtxEntries.paramCount(text, e.getKey().name()), e.getValue());
            assertEquals(-1, PtxEntries.paramCount(text, "missing"));
        }
    }
}
