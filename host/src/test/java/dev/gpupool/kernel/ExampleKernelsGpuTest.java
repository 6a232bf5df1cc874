package dev.gpupool.kernel;

import dev.gpupool.Backend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The example kernels' PTX on a real GPU, against the Java fallbacks, exactly (see ExampleKernelsTest).
 * Skipped with the probe's reason where there is no CUDA device; {@code -Dgpupool.requireGpu=true}
 * turns the skip into a failure.
 */
@Tag("cuda")
class ExampleKernelsGpuTest {
    private final ExampleKernelsTest same = new ExampleKernelsTest();

    @Test
    void saxpy() {
        same.saxpyAgreesWithJava(Backend.CUDA);
    }

    @Test
    void grey() {
        same.greyAgreesWithJavaOnArraysAndDirectBuffers(Backend.CUDA);
    }

    @Test
    void blur() {
        same.blurAgreesWithJava(Backend.CUDA);
    }
}
