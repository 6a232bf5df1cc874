package dev.gpupool.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One memory budget for the host and its workers: the division, the pool's shape and the workers' options. */
class MachineBudgetTest {
    private static final long MIB = 1L << 20, GIB = 1L << 30;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"4g, 4294967296", "512m, 536870912", "1.5G, 1610612736", "2GiB, 2147483648", "65536k, 67108864",
            "1000, 1000", "3gb, 3221225472"})
    void parsesSizes(String text, long bytes) {
        assertEquals(bytes, MachineBudget.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"lots", "4x", "-1g", "''", "g"})
    void refusesWhatIsNotASize(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MachineBudget.parse(text));
        assertTrue(e.getMessage().startsWith("not a memory size: '" + text + "'"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    /** The case and its neighbours: the parts never add up to more than the budget. */
    @ParameterizedTest(name = "{0} MiB over {1} processes")
    @CsvSource({"4096, 1", "4096, 2", "3072, 2", "12000, 8", "1024, 1", "600, 1", "65536, 16"})
    void thePartsStayWithinTheBudget(long mib, int processes) {
        long total = mib * MIB;
        MachineBudget.Division d = MachineBudget.divide(total, processes);
        assertEquals(MachineBudget.HOST_BASE + d.bodies(), d.host());
        assertTrue(d.host() + processes * d.perWorker() <= total, "host + workers within the budget: " + d);
        assertTrue(PoolShape.PROCESS_BASE_BYTES + d.heap() + d.mallocTrim() <= d.perWorker(), "a worker's heap and native part within its share: " + d);
        assertEquals(d.heap() / 2, d.decode(), "half the heap decodes");
        assertEquals(0, d.heap() % MIB, "-Xmx in whole MiB");
        assertTrue(d.bodies() >= 16 * MIB && d.bodies() <= 512 * MIB, "bodies: " + d.bodies());
    }

    @Test
    void aWorkerOfFourGigabytesGetsMostOfItAsHeap() {
        MachineBudget.Division d = MachineBudget.divide(4 * GIB, 1);
        assertEquals(4 * GIB - 256 * MIB - 256 * MIB, d.perWorker()); // host: 256 MiB and bodies 4g/16
        long usable = d.perWorker() - PoolShape.PROCESS_BASE_BYTES;
        assertEquals((usable - usable / 8) >> 20 << 20, d.heap());
        assertEquals(List.of("-Xmx" + (d.heap() >> 20) + "m", "-Dgpupool.decodeBudget=" + d.heap() / 2), d.workerOptions());
        MachineBudget.Division two = MachineBudget.divide(4 * GIB, 2);
        assertEquals(d.perWorker() / 2, two.perWorker(), "two workers halve it");
    }

    @Test
    void withoutWorkersTheHostDecodesWhatTheyWouldHave() {
        MachineBudget.Division d = MachineBudget.divide(4 * GIB, 0);
        assertEquals(0, d.heap());
        assertEquals(MachineBudget.forWorkers(4 * GIB), d.decode());
    }

    @Test
    void theDefaultIsAFractionOfWhatIsAvailable() {
        assertEquals(GIB * 5 / 2, MachineBudget.defaultTotal(10 * GIB), "a quarter");
        assertEquals(MachineBudget.MIN_TOTAL, MachineBudget.defaultTotal(100 * MIB), "never below the minimum");
        assertTrue(MachineBudget.total() >= MachineBudget.MIN_TOTAL);
        assertEquals(MachineBudget.total(), MachineBudget.total(), "measured once: a prestarted worker and its pool agree");
    }

    @Test
    void aHeapGivenToTheHostIsWhatItsWorkersInheritUnlessABudgetIsGiven() {
        assertTrue(MachineBudget.heapGiven(List.of("-XX:+UseSerialGC", "-Xmx256m")));
        assertTrue(MachineBudget.heapGiven(List.of("-XX:MaxRAMPercentage=25")));
        assertFalse(MachineBudget.heapGiven(List.of("-Xms64m", "-XX:CompileThresholdScaling=10")));
    }

    private static ProcessPool.Options options(int workers, long budget) {
        return ProcessPool.Options.of(ScriptHandler.class).workers(workers).memoryBudget(budget);
    }

    @Test
    void theBudgetBoundsTheProcesses() {
        PoolShape.Machine big = new PoolShape.Machine(16, 64 * GIB);
        // 1 GiB: 1024 - 256 - 64 = 704 MiB for workers, 256 MiB each (96 + 160): 2 processes, not 8.
        PoolShape s = options(8, GIB).shape(big);
        assertEquals(2, s.processes());
        assertEquals(8, options(8, 0).shape(big).processes(), "no budget: as before");
        assertEquals(8, options(8, 16 * GIB).shape(big).processes(), "a large budget: the cores and the work bound it");
    }

    @Test
    void eachWorkerStartsWithItsShare() {
        ProcessPool.Options o = options(2, 4 * GIB);
        PoolShape s = o.shape(new PoolShape.Machine(2, 64 * GIB));
        assertEquals(2, s.processes());
        List<String> jvm = o.workerJvmOptions(s);
        assertEquals(MachineBudget.divide(4 * GIB, 2).workerOptions(), jvm);
        long heap = PoolShape.bytes(jvm.getFirst());
        assertTrue(2 * (heap + PoolShape.PROCESS_BASE_BYTES) + MachineBudget.HOST_BASE <= 4 * GIB, jvm.toString());
        // The pool's need per process is then its share: what PoolShape counts memory by.
        assertTrue(PoolShape.processNeed(jvm, 1) <= MachineBudget.divide(4 * GIB, 2).perWorker());
    }

    @Test
    void aCallersHeapWinsAndNoBudgetAddsNothing() {
        ProcessPool.Options caller = options(2, 4 * GIB).jvmOptions("-Xmx300m");
        PoolShape s = caller.shape(new PoolShape.Machine(2, 64 * GIB));
        assertEquals(List.of("-Xmx300m"), caller.workerJvmOptions(s));
        ProcessPool.Options none = options(2, 0);
        assertEquals(List.of(), none.workerJvmOptions(none.shape(new PoolShape.Machine(2, 64 * GIB))));
        assertThrows(IllegalArgumentException.class, () -> options(1, 100 * MIB));
    }

    @Test
    void glibcKeepsNoMoreThanTheWorkersNativePart() {
        assertEquals(WorkerLauncher.MALLOC_TUNING, WorkerLauncher.mallocTuning(List.of()), "no heap given: the defaults");
        var m = WorkerLauncher.mallocTuning(List.of("-Xmx1600m"));
        assertEquals(Long.toString(100 * MIB), m.get("MALLOC_TRIM_THRESHOLD_"));
        assertEquals(Long.toString(32 * MIB), m.get("MALLOC_MMAP_THRESHOLD_"));
        assertEquals("1048576", WorkerLauncher.smaller("1073741824", "1048576"), "the launcher's 1 GiB gives way to a share");
        assertEquals("4096", WorkerLauncher.smaller("4096", "1048576"), "a smaller setting of the user's stays");
    }

    @Test
    void theStartupCacheDoesNotDependOnTheShare() {
        assertTrue(WorkerLauncher.memoryOption("-Xmx1234m"));
        assertTrue(WorkerLauncher.memoryOption("-Dgpupool.decodeBudget=5"));
        assertFalse(WorkerLauncher.memoryOption("-Xmx64g"), "over 32 GiB the JVM's object layout changes: a cache of its own");
        assertFalse(WorkerLauncher.memoryOption("-Dother=1"));
        String jar = System.getProperty("java.class.path");
        if (WorkerLauncher.classPathJars(jar) != null) {
            assertEquals(WorkerLauncher.cachePath(jar, List.of("-Xmx1g")), WorkerLauncher.cachePath(jar, List.of("-Xmx2g")));
            assertNotEquals(WorkerLauncher.cachePath(jar, List.of("-Xmx1g")), WorkerLauncher.cachePath(jar, List.of("-Xmx1g", "-Dx=1")));
        }
    }
}
