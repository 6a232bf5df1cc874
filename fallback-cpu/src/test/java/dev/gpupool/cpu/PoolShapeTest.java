package dev.gpupool.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How many worker processes a pool starts: what was asked, bounded by the work, the cores and the memory. */
class PoolShapeTest {
    private static final long GIB = 1L << 30;
    private static final long NEED = 512L << 20;

    @ParameterizedTest(name = "-j {0} x {1} threads, {2} tasks, {3} cores, {4} GiB -> {5} processes, {6} at once")
    @CsvSource(textBlock = """
            # requested, threads, tasks, cores, GiB, processes, workers
            # as asked where the machine and the work allow it
            4,           1,       0,     8,     64,  4,         4
            5,           4,       0,     8,     64,  2,         5
            # issue 19 defect 3: -j 10000 and -j 200, 4 threads a process, 29 inputs, 16 cores
            10000,       4,       29,    16,    64,  8,         29
            200,         4,       29,    16,    64,  8,         29
            # unknown count: the cores bound the processes; threads per process are kept
            10000,       4,       0,     16,    64,  16,        64
            10000,       1,       0,     16,    64,  16,        16
            # the memory bounds them further: 3 GiB at 512 MiB each
            10000,       1,       0,     16,    3,   6,         6
            # fewer tasks than one process's threads: one process, one thread per task
            8,           4,       3,     16,    64,  1,         3
            # never below one process, even where nothing seems to fit
            8,           2,       0,     0,     0,   1,         2
            """)
    void shape(int requested, int threads, int tasks, int cores, long gib, int processes, int workers) {
        PoolShape s = PoolShape.of(requested, threads, tasks, new PoolShape.Machine(cores, gib * GIB), NEED);
        assertEquals(processes, s.processes(), "processes");
        assertEquals(workers, s.workers(), "tasks at once");
        int lanes = 0;
        for (int i = 0; i < s.processes(); i++) {
            assertTrue(s.lanes(i) >= 1 && s.lanes(i) <= threads, "process " + i + ": " + s.lanes(i) + " threads");
            lanes += s.lanes(i);
        }
        assertEquals(s.workers(), lanes, "every task thread is in some process");
    }

    @Test
    void saysWhyOnlyWhenReduced() {
        PoolShape asked = PoolShape.of(4, 1, 0, new PoolShape.Machine(8, 64 * GIB), NEED);
        assertNull(asked.reduced());
        PoolShape cut = PoolShape.of(10000, 4, 29, new PoolShape.Machine(16, 64 * GIB), NEED);
        assertEquals("10000 tasks at once asked, 29 on 8 worker processes (limited by 29 tasks)", cut.reduced());
        PoolShape cores = PoolShape.of(200, 4, 0, new PoolShape.Machine(16, 64 * GIB), NEED);
        assertEquals("200 tasks at once asked, 64 on 16 worker processes (limited by 16 cores)", cores.reduced());
        // -j 2 (the default on 2 cores), 4 threads a process, one image: one process, one thread, and a reason
        PoolShape one = PoolShape.of(10000, 4, 1, new PoolShape.Machine(2, 64 * GIB), NEED);
        assertEquals("10000 tasks at once asked, 1 on 1 worker process (limited by 1 task)", one.reduced());
    }

    /** A batch smaller than the default (the cores) is not news: said only when more than the cores were asked. */
    @Test
    void aSmallBatchAtTheDefaultIsNoWarning() {
        PoolShape quiet = PoolShape.of(2, 4, 1, new PoolShape.Machine(2, 64 * GIB), NEED);
        assertEquals(1, quiet.workers());
        assertNull(quiet.reduced(), "gpupool thumbnails a.jpg says nothing but its summary");
        assertNull(PoolShape.of(16, 1, 3, new PoolShape.Machine(16, 64 * GIB), NEED).reduced());
        assertEquals("17 tasks at once asked, 3 on 3 worker processes (limited by 3 tasks)",
                PoolShape.of(17, 1, 3, new PoolShape.Machine(16, 64 * GIB), NEED).reduced());
    }

    private static PoolShape asked(int workers, int threads) {
        return PoolShape.of(workers, threads, 0, new PoolShape.Machine(64, 64 * GIB), NEED);
    }

    @Test
    void describesAsBefore() {
        assertEquals("2 worker processes", asked(2, 1).describe());
        assertEquals("2 worker processes, 5 threads", asked(5, 4).describe());
        assertEquals("1 worker process, 2 threads", asked(2, 2).describe());
        assertEquals(List.of(3, 2), List.of(asked(5, 4).lanes(0), asked(5, 4).lanes(1)));
    }

    @Test
    void aWorkersNeedIsItsHeapWhenGiven() {
        assertEquals(PoolShape.PROCESS_BASE_BYTES + (512L << 20), PoolShape.processNeed(List.of("-Xmx512m"), 4));
        assertEquals(PoolShape.PROCESS_BASE_BYTES + (2L << 30), PoolShape.processNeed(List.of("-Xmx1g", "-Xmx2G"), 1));
        assertEquals(PoolShape.PROCESS_BASE_BYTES + 2 * PoolShape.THREAD_BYTES, PoolShape.processNeed(List.of("-Xss1m"), 2));
        assertEquals(-1, PoolShape.bytes("-Xmxlots"));
    }
}
