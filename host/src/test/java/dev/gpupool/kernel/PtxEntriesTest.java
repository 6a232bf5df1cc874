package dev.gpupool.kernel;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped example PTX, and each PTX parameter's width checked against what a launch passes. */
class PtxEntriesTest {
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

    @Test
    void eachParameterWidthIsReadFromThePtx() {
        String saxpy = Kernel.resource("examples/saxpy.ptx");
        assertEquals(List.of("u32", "f32", "u64", "u64"), PtxEntries.paramTypes(saxpy, "saxpy"));
    }

    @Test
    void anIntPassedWhereThePtxWantsA64BitValueIsRefusedBeforeAnyDeviceSeesIt() {
        assertNull(PtxEntries.mismatch("k", 0, "u32", new Arg.Scalar(7)));
        assertNull(PtxEntries.mismatch("k", 1, "f32", new Arg.Scalar(1f)));
        assertNull(PtxEntries.mismatch("k", 2, "u64", new Arg.Buffer(new float[4], Arg.Access.IN)));
        assertNull(PtxEntries.mismatch("k", 3, "s64", new Arg.Scalar(7L)));
        String why = PtxEntries.mismatch("k", 0, "u64", new Arg.Scalar(7));
        assertTrue(why.contains("parameter 0 of k is .u64 (8 bytes) in the PTX") && why.contains("an int (4 bytes)"), why);
        assertTrue(PtxEntries.mismatch("k", 1, "u32", new Arg.Scalar(1f)).contains("a float"), "a float is not an integer parameter");
        assertTrue(PtxEntries.mismatch("k", 1, "f32", new Arg.Scalar(1)).contains("an int (4 bytes)"), "an int is not a float parameter");
        assertTrue(PtxEntries.mismatch("k", 2, "u32", new Arg.Buffer(new float[4], Arg.Access.IN)).contains("a buffer"));
    }

    @Test
    void declaredParamsThatDisagreeWithThePtxWidthsFailAtBuild() {
        String saxpy = Kernel.resource("examples/saxpy.ptx");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernel.named("saxpy")
                .params(Param.i64(), Param.f32(), Param.floats(1), Param.floats(1)).cudaPtx(saxpy).build());
        assertTrue(e.getMessage().contains("parameter 0 of saxpy is .u32"), e.getMessage());
    }
}
