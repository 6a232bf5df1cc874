package dev.gpupool.device.opencl;

import dev.gpupool.Backend;
import dev.gpupool.kernel.Arg;
import dev.gpupool.kernel.Kernel;
import dev.gpupool.kernel.KernelException;
import dev.gpupool.kernel.KernelRunner;
import dev.gpupool.kernel.LaunchReport;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * User kernels on the pool's {@link OpenClSession}: the session's device and context, one in-order
 * queue, and each kernel's program, built once per source (or loaded from the binary cache that the
 * resizer uses, {@link ProgramCache}, through the same {@link ProgramBuild}). Launches are serialised.
 */
final class OpenClKernelRunner implements KernelRunner, AutoCloseable {
    private final OpenClDevice device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final ProgramCache cache;
    private final String options;
    private final Map<String, Built> built = new HashMap<>();
    private boolean closed;

    private record Built(cl_program program, cl_kernel kernel, int numArgs, boolean fromCache) {
    }

    @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties needs OpenCL 2.0; 1.2 devices exist
    OpenClKernelRunner(OpenClSession session) {
        CL.setExceptionsEnabled(true);
        this.device = session.device();
        this.context = session.context();
        this.cache = new ProgramCache(session.cacheDir());
        this.queue = CL.clCreateCommandQueue(context, device.device(), 0, null);
        // As for resize: no fast-math flags, so float results follow IEEE rounding like Java's.
        this.options = device.correctlyRoundedDivide() ? "-cl-fp32-correctly-rounded-divide-sqrt" : "";
    }

    /** The context this client runs in (the session's, when it is one's client). */
    cl_context context() {
        return context;
    }

    @Override
    public String missingCode(Kernel k) {
        return k.hasOpenCl() ? null : "kernel " + k.name() + " has no OpenCL source";
    }

    String deviceLabel() {
        return device.label();
    }

    @Override
    public synchronized LaunchReport launch(Kernel k, int n, List<Arg> args) throws KernelException {
        if (closed) throw new KernelException("the pool's OpenCL context is closed");
        Built b = build(k);
        if (b.numArgs != args.size()) {
            throw new KernelException("OpenCL kernel " + k.name() + " takes " + b.numArgs + " arguments, the launch gave " + args.size());
        }
        cl_mem[] mems = new cl_mem[args.size()];
        try {
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case Arg.Scalar s -> CL.clSetKernelArg(b.kernel, i, s.bytes(), scalarPointer(s));
                    case Arg.Buffer buf -> {
                        long bytes = buf.bytes();
                        Arg.Access access = buf.access();
                        long flags = access == Arg.Access.IN ? CL.CL_MEM_READ_ONLY
                                : access == Arg.Access.OUT ? CL.CL_MEM_WRITE_ONLY : CL.CL_MEM_READ_WRITE;
                        boolean copy = access.uploads() && bytes > 0;
                        // A zero-sized buffer is an error in OpenCL; an empty argument gets a small unused one.
                        mems[i] = CL.clCreateBuffer(context, flags | (copy ? CL.CL_MEM_COPY_HOST_PTR : 0), Math.max(bytes, 16),
                                copy ? hostPointer(buf) : null, null);
                        CL.clSetKernelArg(b.kernel, i, Sizeof.cl_mem, Pointer.to(mems[i]));
                    }
                }
            }
            CL.clEnqueueNDRangeKernel(queue, b.kernel, 1, null, new long[]{n}, null, 0, null, null);
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i) instanceof Arg.Buffer buf && buf.access().downloads() && buf.bytes() > 0) {
                    CL.clEnqueueReadBuffer(queue, mems[i], CL.CL_TRUE, 0, buf.bytes(), hostPointer(buf), 0, null, null);
                }
            }
            CL.clFinish(queue);
        } catch (CLException e) {
            try {
                CL.clFinish(queue);
            } catch (Throwable ignored) {
                // the queue may be broken; the next launch finds out
            }
            throw new KernelException("OpenCL launch of " + k.name() + " (" + n + " items) failed on " + device.label() + ": "
                    + e.getMessage(), e);
        } finally {
            for (cl_mem m : mems) if (m != null) CL.clReleaseMemObject(m);
        }
        return new LaunchReport(k.name(), Backend.OPENCL, device.name() + " (" + device.platformName() + ")", n, null);
    }

    private static Pointer scalarPointer(Arg.Scalar s) {
        return switch (s.value()) {
            case Integer v -> Pointer.to(new int[]{v});
            case Long v -> Pointer.to(new long[]{v});
            case Float v -> Pointer.to(new float[]{v});
            case Double v -> Pointer.to(new double[]{v});
            default -> throw new IllegalStateException();
        };
    }

    private static Pointer hostPointer(Arg.Buffer b) {
        return switch (b.data()) {
            case float[] a -> Pointer.to(a);
            case int[] a -> Pointer.to(a);
            case byte[] a -> Pointer.to(a);
            case double[] a -> Pointer.to(a);
            case ByteBuffer ignored -> Pointer.to(b.view()); // a view at position 0: the same bytes whichever way JOCL reads positions
            default -> throw new IllegalStateException();
        };
    }

    /** The kernel's program: built from source, or its cached binary. */
    private Built build(Kernel k) throws KernelException {
        String source = k.openClSource();
        String key = k.name() + "\n" + source;
        Built b = built.get(key);
        if (b != null) return b;
        ProgramBuild pb;
        try {
            pb = ProgramBuild.build(cache, "kernel-" + k.name(), context, device, source, options);
        } catch (ProgramBuild.Failed e) {
            throw new KernelException("OpenCL build of kernel " + k.name() + " failed on " + device.label() + " ("
                    + e.status() + "); build log:\n" + e.log(), e.getCause());
        }
        cl_program prog = pb.program();
        cl_kernel kernel;
        try {
            kernel = CL.clCreateKernel(prog, k.name(), null);
        } catch (CLException e) {
            CL.clReleaseProgram(prog);
            throw new KernelException("the OpenCL source of " + k.name() + " has no __kernel " + k.name() + " ("
                    + CL.stringFor_errorCode(e.getStatus()) + ")", e);
        }
        int[] numArgs = new int[1];
        CL.clGetKernelInfo(kernel, CL.CL_KERNEL_NUM_ARGS, Sizeof.cl_uint, Pointer.to(numArgs), null);
        b = new Built(prog, kernel, numArgs[0], pb.fromCache());
        built.put(key, b);
        return b;
    }

    /** Whether {@code k}'s program came from the disk cache (tests). */
    synchronized boolean fromCache(Kernel k) {
        Built b = built.get(k.name() + "\n" + k.openClSource());
        return b != null && b.fromCache;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Built b : built.values()) {
            CL.clReleaseKernel(b.kernel);
            CL.clReleaseProgram(b.program);
        }
        built.clear();
        CL.clReleaseCommandQueue(queue); // the context is the session's
    }
}
