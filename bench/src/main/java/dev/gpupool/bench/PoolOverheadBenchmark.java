package dev.gpupool.bench;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.cpu.ProcessPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The pool's own cost per task, with tasks that do nothing: one task's round trip (submit, run, result
 * back) and the amortised cost per task of a batch of 1000, for {@link Pool#submit} (threads in this
 * process) and for {@link ProcessPool} (framed request to a worker process over its pipe and back).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class PoolOverheadBenchmark {
    private static final int BATCH = 1000;
    private Pool pool;
    private ProcessPool processes;
    private final byte[] payload = new byte[64];

    @Setup(Level.Trial)
    public void setUp() {
        int workers = Runtime.getRuntime().availableProcessors();
        pool = Pool.builder().backend(Backend.CPU_THREADS).workers(workers).open();
        processes = ProcessPool.start(ProcessPool.Options.of(EchoHandler.class).workers(workers));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        processes.close();
    }

    @Benchmark
    public Integer poolSubmitRoundTrip() {
        return pool.submit(() -> 1).join();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int poolSubmitBatchPerTask() {
        List<CompletableFuture<Integer>> fs = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            int v = i;
            fs.add(pool.submit(() -> v));
        }
        int sum = 0;
        for (CompletableFuture<Integer> f : fs) sum += f.join();
        return sum;
    }

    @Benchmark
    public byte[] processPoolRoundTrip() {
        return processes.submit(payload).join();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int processPoolBatchPerTask() {
        List<CompletableFuture<byte[]>> fs = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) fs.add(processes.submit(payload));
        int sum = 0;
        for (CompletableFuture<byte[]> f : fs) sum += f.join().length;
        return sum;
    }
}
