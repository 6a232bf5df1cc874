package dev.gpupool.kernel;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument validation, backend choice and fallback, and the CPU split, without caring for numbers. */
class KernelLaunchTest {
    private static final Kernel SAXPY = ExampleKernels.saxpy();

    @Test
    void argumentsThatDoNotFitTheParamsAreRejectedBeforeAnythingRuns() {
        float[] x = new float[10], y = new float[10];
        try (Pool pool = Pool.builder().backend(Backend.CPU_THREADS).workers(2).open()) {
            IllegalArgumentException e;
            e = assertThrows(IllegalArgumentException.class, () -> pool.launch(SAXPY, 10, Arg.scalar(10), Arg.scalar(2f), Arg.in(x)));
            assertTrue(e.getMessage().contains("takes 4 arguments"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> pool.launch(SAXPY, 10, Arg.scalar(10), Arg.scalar(2.0), Arg.in(x), Arg.inOut(y)));
            assertTrue(e.getMessage().contains("argument 1 must be float, not double 2.0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> pool.launch(SAXPY, 10, Arg.scalar(10), Arg.scalar(2f), Arg.in(new int[10]), Arg.inOut(y)));
            assertTrue(e.getMessage().contains("argument 2 must be a float[1/item] buffer, not in int[10]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> pool.launch(SAXPY, 11, Arg.scalar(11), Arg.scalar(2f), Arg.in(x), Arg.inOut(y)));
            assertTrue(e.getMessage().contains("argument 2 holds 10 elements; 11 work items need 11"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> pool.launch(SAXPY, 10, Arg.scalar(10), Arg.scalar(2f), Arg.in(x),
                    Arg.inOut(ByteBuffer.allocateDirect(41))));
            assertTrue(e.getMessage().contains("not a whole number of 4-byte elements"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> pool.launch(SAXPY, -1, Arg.scalar(10), Arg.scalar(2f), Arg.in(x), Arg.inOut(y)));
            assertTrue(e.getMessage().contains("globalSize"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Arg.in(ByteBuffer.allocate(8)));
            assertTrue(e.getMessage().contains("direct"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new Arg.Buffer(new long[3], Arg.Access.IN));
            assertTrue(e.getMessage().contains("not long[]"), e.getMessage());
            assertThrows(NullPointerException.class, () -> pool.launch(SAXPY, 10, Arg.scalar(10), Arg.scalar(2f), null, Arg.inOut(y)));
        }
        assertEquals(0f, y[0], "nothing ran");
    }

    @Test
    void aByteBufferFitsAFloatParamAndTheJavaFallbackSeesItsType() {
        try (Pool pool = Pool.builder().backend(Backend.CPU_THREADS).workers(2).open()) {
            // saxpy's fallback asks for float[]: a ByteBuffer passes the param check, then the body says what it got
            CompletionException e = assertThrows(CompletionException.class, () -> pool.launch(SAXPY, 2, Arg.scalar(2), Arg.scalar(2f),
                    Arg.in(new float[2]), Arg.inOut(ByteBuffer.allocateDirect(8))).join());
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("saxpy argument 3 is inOut ByteBuffer[8 bytes], not float[]"), e.getCause().getMessage());
        }
    }

    @Test
    void aKernelNeedsSomeCodeAndItsPtxMustMatch() {
        assertThrows(IllegalStateException.class, () -> Kernel.named("k").build());
        assertThrows(IllegalArgumentException.class, () -> Kernel.named("not a name"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kernel.named("saxpy").cudaPtx("__global__ void saxpy() {}"));
        assertTrue(e.getMessage().contains("CUDA C source is not compiled"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Kernel.named("nope").cudaPtx(Kernel.resource("examples/saxpy.ptx")).build());
        assertTrue(e.getMessage().contains("no .entry nope (entries: [saxpy])"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Kernel.named("saxpy").params(Param.i32())
                .cudaPtx(Kernel.resource("examples/saxpy.ptx")).build());
        assertTrue(e.getMessage().contains("takes 4 parameters, params(...) declares 1"), e.getMessage());
    }

    @Test
    void theJavaFallbackCoversTheRangeOnceInSeveralPiecesOnThePoolsThreads() {
        List<Range> seen = Collections.synchronizedList(new ArrayList<>());
        var threads = ConcurrentHashMap.<String>newKeySet();
        Kernel k = Kernel.named("count").cpu((range, args) -> {
            seen.add(range);
            threads.add(Thread.currentThread().getName());
            int[] hits = args.ints(0);
            for (int i = range.start(); i < range.end(); i++) hits[i]++;
        }).build();
        int n = 10_000;
        int[] hits = new int[n];
        for (Backend b : List.of(Backend.CPU_THREADS, Backend.CPU)) {
            try (Pool pool = Pool.builder().backend(b).workers(2).open()) {
                LaunchReport r = pool.launch(k, n, Arg.inOut(hits)).join();
                assertEquals(Backend.CPU_THREADS, r.backend());
                assertEquals("2 threads in this process", r.device());
                assertFalse(r.fellBack());
            }
        }
        for (int i = 0; i < n; i++) assertEquals(2, hits[i], "item " + i);
        assertEquals(4, seen.size(), "two ranges per launch on two workers: " + seen);
        assertTrue(threads.stream().allMatch(t -> t.startsWith("gpupool-worker-")), threads.toString());
        assertEquals(List.of(new Range(0, 1)), Launcher.split(1, 8));
        assertEquals(List.of(new Range(0, 1024), new Range(1024, 2049)), Launcher.split(2049, 8));
        assertEquals(List.of(), Launcher.split(0, 8));
    }

    @Test
    void aFailingJavaFallbackFailsTheFuture() {
        Kernel k = Kernel.named("boom").cpu((range, args) -> {
            throw new IllegalStateException("boom at " + range.start());
        }).build();
        try (Pool pool = Pool.builder().backend(Backend.CPU_THREADS).workers(2).open()) {
            CompletionException e = assertThrows(CompletionException.class, () -> pool.launch(k, 5).join());
            assertEquals("boom at 0", e.getCause().getMessage());
            assertEquals(0, pool.launch(k, 0).join().globalSize(), "0 items: nothing runs");
        }
    }

    @Test
    void aKernelWithoutJavaCodeFailsOnACpuPool() {
        Kernel k = Kernel.named("saxpy").openCl(Kernel.resource("examples/saxpy.cl")).build();
        try (Pool pool = Pool.builder().backend(Backend.CPU).workers(2).open()) {
            CompletionException e = assertThrows(CompletionException.class,
                    () -> pool.launch(k, 1, Arg.scalar(1), Arg.scalar(1f), Arg.in(new float[1]), Arg.inOut(new float[1])).join());
            assertInstanceOf(KernelException.class, e.getCause());
            assertEquals("kernel saxpy has no Java fallback, the only code a cpu pool runs", e.getCause().getMessage());
        }
    }

    @Test
    void onAnOpenClPoolAKernelWithoutOpenClSourceRunsItsJavaFallbackAndSaysSo() {
        AtomicInteger calls = new AtomicInteger();
        Kernel k = Kernel.named("twice").cpu((range, args) -> {
            calls.incrementAndGet();
            int[] v = args.ints(0);
            for (int i = range.start(); i < range.end(); i++) v[i] *= 2;
        }).build();
        int[] v = {1, 2, 3};
        try (Pool pool = KernelTestSupport.openClPool()) {
            LaunchReport r = pool.launch(k, 3, Arg.inOut(v)).join();
            assertEquals(Backend.CPU_THREADS, r.backend());
            assertTrue(r.fellBack());
            assertEquals("kernel twice has no OpenCL source; ran its Java fallback on the pool's threads", r.note());
            Kernel none = Kernel.named("twice").cudaPtx(Kernel.resource("examples/saxpy.ptx").replace("saxpy", "twice")).build();
            CompletionException e = assertThrows(CompletionException.class, () -> pool.launch(none, 3, Arg.inOut(v)).join());
            assertEquals("kernel twice has no OpenCL source and no Java fallback", e.getCause().getMessage());
        }
        assertEquals(1, calls.get());
        assertEquals(List.of(2, 4, 6), List.of(v[0], v[1], v[2]));
    }

    @Test
    void openClBuildErrorsAndSignatureMismatchesFailTheFutureWithTheReason() {
        Kernel broken = Kernel.named("broken").openCl("__kernel void broken(__global float* y) { y[0] = undeclared_thing; }")
                .cpu((r, a) -> { }).build();
        Kernel wrongName = Kernel.named("other").openCl("__kernel void something(__global float* y) { y[0] = 1.0f; }").build();
        Kernel twoArgs = Kernel.named("two").openCl("__kernel void two(__global float* y, int n) { y[get_global_id(0)] = n; }").build();
        float[] y = new float[4];
        try (Pool pool = KernelTestSupport.openClPool()) {
            CompletionException e = assertThrows(CompletionException.class, () -> pool.launch(broken, 1, Arg.out(y)).join());
            assertInstanceOf(KernelException.class, e.getCause());
            String m = e.getCause().getMessage();
            assertTrue(m.startsWith("OpenCL build of kernel broken failed on ") && m.contains("build log:") && m.contains("undeclared_thing"), m);
            e = assertThrows(CompletionException.class, () -> pool.launch(wrongName, 1, Arg.out(y)).join());
            assertTrue(e.getCause().getMessage().contains("has no __kernel other"), e.getCause().getMessage());
            e = assertThrows(CompletionException.class, () -> pool.launch(twoArgs, 1, Arg.out(y)).join());
            assertEquals("OpenCL kernel two takes 2 arguments, the launch gave 1", e.getCause().getMessage());
            // the same pool still runs a good launch afterwards; out-only: the device wrote every item
            LaunchReport r = pool.launch(twoArgs, 4, Arg.out(y), Arg.scalar(7)).join();
            assertEquals(Backend.OPENCL, r.backend());
            assertNull(r.note());
        }
        assertEquals(List.of(7f, 7f, 7f, 7f), List.of(y[0], y[1], y[2], y[3]));
    }
}
