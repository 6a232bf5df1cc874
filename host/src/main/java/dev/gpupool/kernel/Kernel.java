package dev.gpupool.kernel;

import dev.gpupool.Pool;
import dev.gpupool.device.opencl.KernelSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A user kernel: one entry point given as OpenCL C source and/or CUDA PTX, with an optional Java
 * fallback, launched over a 1-D range of work items on a {@link Pool}'s backend.
 *
 * <p>The pool decides where it runs: on a CUDA pool the PTX, on an OpenCL pool the OpenCL source,
 * on {@code cpu} and {@code cpu-threads} pools the Java fallback, split into ranges across the pool's
 * {@linkplain Pool#workers() worker threads} in this process (the {@code cpu} backend's worker
 * processes run only thumbnail jobs: a lambda cannot cross into them). When a device pool's kernel has
 * no code for that device, the Java fallback runs and the {@link LaunchReport} says so; with no
 * fallback either, the future fails with {@link KernelException}. A device failure (a build error, a
 * refused launch) fails the future with the reason and never silently retries on the CPU.
 *
 * <p>Device code follows three rules: the entry point has the kernel's {@linkplain #name() name}
 * ({@code extern "C"} in CUDA); the work item is {@code get_global_id(0)} in OpenCL and
 * {@code blockIdx.x * blockDim.x + threadIdx.x} in CUDA; and, as CUDA launches whole blocks of 256
 * threads, the kernel returns early for items at or past the size it is given as a parameter.
 * Writing the body once against {@code kernels/gp_portable.h} serves both (see
 * {@code kernels/examples/}). PTX comes from {@code nvcc -ptx}; CUDA C source is not compiled at run
 * time (JCuda's NVRTC binding needs an NVRTC 12 library that gpupool does not ship).
 *
 * <p>A launch copies {@code in} and {@code inOut} buffers to the device, runs, and copies
 * {@code out} and {@code inOut} buffers back; the results are in the caller's arrays when the future
 * completes. Launches on a device run one at a time per pool. Arguments that do not fit the declared
 * {@linkplain Builder#params parameters} are rejected by {@link #launch} with
 * {@link IllegalArgumentException} before anything runs.
 *
 * <pre>{@code
 * Kernel saxpy = Kernel.named("saxpy")                       // y = a * x + y
 *         .params(Param.i32(), Param.f32(), Param.floats(1), Param.floats(1))
 *         .openCl(Kernel.resource("examples/saxpy.cl"))      // kernels/ on the class path, #includes inlined
 *         .cudaPtx(Kernel.resource("examples/saxpy.ptx"))
 *         .cpu((range, args) -> {
 *             float a = args.f32(1);
 *             float[] x = args.floats(2), y = args.floats(3);
 *             for (int i = range.start(); i < range.end(); i++) y[i] = a * x[i] + y[i];
 *         })
 *         .build();
 * try (Pool pool = Pool.open()) {
 *     LaunchReport r = saxpy.launch(pool, n, Arg.scalar(n), Arg.scalar(2f), Arg.in(x), Arg.inOut(y)).join();
 *     System.out.println("ran on " + r.backend() + " (" + r.device() + ")");   // y now holds the result
 * }
 * }</pre>
 *
 * <p>A kernel is immutable and may be launched any number of times, from any thread; each pool builds
 * (or loads from the on-disk binary cache) its OpenCL program or loads its PTX once.
 */
public final class Kernel {
    private final String name;
    private final String openCl;
    private final String cudaPtx;
    private final CpuBody cpu;
    private final List<Param> params;

    private Kernel(Builder b) {
        this.name = b.name;
        this.openCl = b.openCl;
        this.cudaPtx = b.cudaPtx;
        this.cpu = b.cpu;
        this.params = b.params;
    }

    /** Starts a kernel whose entry point (in OpenCL and PTX alike) is {@code name}. */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /**
     * The text of {@code kernels/<name>} on the class path (gpupool's jar ships {@code examples/*.cl}
     * and {@code examples/*.ptx}), with {@code #include "x"} lines inlined from {@code kernels/x}.
     *
     * @throws UncheckedIOException when it is not there
     */
    public static String resource(String name) {
        try {
            return KernelSource.load(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of a file (UTF-8), as is: the OpenCL compiler gets no include path. */
    public static String file(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds a {@link Kernel}; needs at least one of OpenCL source, PTX and a Java fallback. */
    public static final class Builder {
        private final String name;
        private String openCl;
        private String cudaPtx;
        private CpuBody cpu;
        private List<Param> params;

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("not a C identifier: '" + name + "'");
            this.name = name;
        }

        /** OpenCL C source defining {@code __kernel void <name>(...)}. */
        public Builder openCl(String source) {
            this.openCl = requireText(source, "OpenCL source");
            return this;
        }

        /** PTX (from {@code nvcc -ptx}) defining the {@code .entry <name>}. */
        public Builder cudaPtx(String ptx) {
            this.cudaPtx = requireText(ptx, "PTX");
            if (!PtxEntries.has(cudaPtx)) throw new IllegalArgumentException("this does not look like PTX (no .entry): CUDA C source is not compiled at run time; give nvcc -ptx output");
            return this;
        }

        /** The Java fallback, run on CPU pools and on device pools the kernel has no code for. */
        public Builder cpu(CpuBody body) {
            this.cpu = Objects.requireNonNull(body, "cpu body");
            return this;
        }

        /** The parameters, checked against every launch's arguments (optional, but it turns a device crash into an exception). */
        public Builder params(Param... params) {
            this.params = List.copyOf(Arrays.asList(params));
            return this;
        }

        public Kernel build() {
            if (openCl == null && cudaPtx == null && cpu == null) {
                throw new IllegalStateException("kernel " + name + " has no OpenCL source, no PTX and no Java fallback");
            }
            if (cudaPtx != null) {
                int n = PtxEntries.paramCount(cudaPtx, name);
                if (n < 0) throw new IllegalArgumentException("the PTX has no .entry " + name + " (entries: " + PtxEntries.names(cudaPtx) + ")");
                if (params != null && n != params.size()) {
                    throw new IllegalArgumentException("the PTX entry " + name + " takes " + n + " parameters, params(...) declares " + params.size());
                }
                if (params != null) {
                    List<String> types = PtxEntries.paramTypes(cudaPtx, name);
                    for (int i = 0; i < n; i++) {
                        if (!PtxEntries.declaredFits(params.get(i), types.get(i))) {
                            throw new IllegalArgumentException("parameter " + i + " of " + name + " is ." + types.get(i)
                                    + " in the PTX, but params(...) declares " + PtxEntries.describe(params.get(i)));
                        }
                    }
                }
            }
            return new Kernel(this);
        }

        private static String requireText(String s, String what) {
            Objects.requireNonNull(s, what);
            if (s.isBlank()) throw new IllegalArgumentException(what + " is empty");
            return s;
        }
    }

    public String name() {
        return name;
    }

    public boolean hasOpenCl() {
        return openCl != null;
    }

    public boolean hasCudaPtx() {
        return cudaPtx != null;
    }

    public boolean hasCpu() {
        return cpu != null;
    }

    /** The declared parameters, or null when none were declared. */
    public List<Param> params() {
        return params;
    }

    /** The OpenCL C source, #includes inlined, or null. */
    public String openClSource() {
        return openCl;
    }

    /** The PTX text, or null. */
    public String ptx() {
        return cudaPtx;
    }

    CpuBody cpuBody() {
        return cpu;
    }

    /**
     * Runs {@code globalSize} work items on {@code pool}'s backend. The future completes when the
     * results are in the caller's arrays and buffers, or fails with {@link KernelException} (or the Java
     * fallback's exception); a launch of 0 items completes at once. Until then the buffers belong to the
     * launch: do not touch them.
     *
     * @throws IllegalArgumentException when the arguments do not fit the declared parameters, or a
     *                                  buffer is not a supported type
     */
    public CompletableFuture<LaunchReport> launch(Pool pool, int globalSize, Arg... args) {
        Objects.requireNonNull(pool, "pool");
        if (globalSize < 0) throw new IllegalArgumentException("globalSize must be >= 0, not " + globalSize);
        List<Arg> list = List.of(args); // throws NullPointerException on a null argument
        if (params != null) Param.check(name, params, globalSize, list);
        return Launcher.launch(pool, this, globalSize, list);
    }

    @Override
    public String toString() {
        return "Kernel[" + name + (openCl != null ? ", opencl" : "") + (cudaPtx != null ? ", ptx" : "")
                + (cpu != null ? ", java" : "") + "]";
    }
}
