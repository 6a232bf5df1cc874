package dev.gpupool.spark;

import dev.gpupool.Backend;
import dev.gpupool.backend.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Which pool a task gets for the GPU address Spark assigned it (the cluster script runs the same on two workers). */
class ExecutorPoolsTest {
    @Test
    void noGpuAssignedRunsOnCpuThreadsWithoutAFallbackReason() {
        ExecutorPools.TaskPool tp = ExecutorPools.taskPool(JobOptions.defaults(), null, null, 2);
        assertEquals(Backend.CPU_THREADS, tp.pool().backend());
        assertNull(tp.gpu());
        assertNull(tp.fallback());
    }

    @Test
    void anAssignedGpuThatIsNotHereFallsBackToCpuThreadsAndSaysWhy() {
        // address 63: no machine this runs on has a 64th GPU
        ExecutorPools.TaskPool tp = ExecutorPools.taskPool(JobOptions.defaults(), "63", null, 2);
        assertEquals(Backend.CPU_THREADS, tp.pool().backend());
        assertEquals("63", tp.gpu());
        assertNotNull(tp.fallback());
        assertTrue(tp.fallback().startsWith("GPU 63 assigned by Spark (device 63) cannot be opened: cuda backend "), tp.fallback());
        assertTrue(tp.fallback().endsWith("; ran on cpu-threads"), tp.fallback());
        assertEquals(2, tp.pool().workers());
    }

    @Test
    void anAddressThatIsNoDeviceIndexFallsBackToo() {
        ExecutorPools.TaskPool tp = ExecutorPools.taskPool(JobOptions.defaults(), "GPU-deadbeef", "0,1", 1);
        assertEquals(Backend.CPU_THREADS, tp.pool().backend());
        assertEquals("GPU-deadbeef", tp.gpu());
        assertEquals("GPU address 'GPU-deadbeef' assigned by Spark is not a device index (nor in CUDA_VISIBLE_DEVICES=0,1); ran on cpu-threads",
                tp.fallback());
    }

    @Test
    void anExplicitBackendInsistsOnTheAssignedDevice() {
        assertThrows(RuntimeException.class, () -> ExecutorPools.taskPool(JobOptions.defaults().withBackend("cuda"), "63", null, 1));
        ExecutorPools.TaskPool cpu = ExecutorPools.taskPool(JobOptions.defaults().withBackend("cpu-threads"), "63", null, 1);
        assertEquals(Backend.CPU_THREADS, cpu.pool().backend());
        assertEquals("63", cpu.gpu());
        assertNull(cpu.fallback(), "cpu-threads was asked for: no fallback");
    }

    @Test
    void aGpuThatIsHereIsOpened() {
        assumeTrue(Backends.probe(Backend.CUDA, 0, 1, true).usable(), "no CUDA device 0 on this machine");
        ExecutorPools.TaskPool tp = ExecutorPools.taskPool(JobOptions.defaults(), "0", null, 1);
        assertEquals(Backend.CUDA, tp.pool().backend());
        assertEquals("0", tp.gpu());
        assertNull(tp.fallback());
    }
}
