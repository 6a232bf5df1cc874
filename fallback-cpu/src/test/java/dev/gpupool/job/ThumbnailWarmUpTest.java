package dev.gpupool.job;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

class ThumbnailWarmUpTest {
    /** The warm-up goes through the real codec and resize code, so a change that breaks it shows here. */
    @Test
    void warmUpRunsTheJobInMemory() {
        assertDoesNotThrow(() -> new ThumbnailWorkerHandler().warmUp());
        assertDoesNotThrow(ThumbnailJob::warmUp, "and again: nothing in it is once-only");
    }
}
