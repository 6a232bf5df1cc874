package dev.gpupool.device.cuda;

import dev.gpupool.Backend;
import dev.gpupool.device.DeviceException;
import dev.gpupool.kernel.Arg;
import dev.gpupool.kernel.Kernel;
import dev.gpupool.kernel.KernelException;
import dev.gpupool.kernel.KernelRunner;
import dev.gpupool.kernel.LaunchReport;
import dev.gpupool.kernel.PtxEntries;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.gpupool.device.cuda.CudaCallException.check;

/**
 * User kernels on the pool's CUDA session: the session's context, its device thread, its module
 * cache (each kernel's PTX JIT-compiled by the driver once per context) and its memory. A launch
 * checks every argument against the width the PTX declares for it, allocates device buffers, uploads
 * {@code in}/{@code inOut}, runs {@link CudaLaunch#gridFor} blocks of {@link CudaLaunch#BLOCK} threads,
 * synchronises, downloads {@code out}/{@code inOut} and frees. Launches are serialised by the device thread.
 */
final class CudaKernelRunner implements KernelRunner {
    private final CudaSession session;
    // Owned by the device thread.
    private final Map<String, CUfunction> functions = new HashMap<>();
    private int generation = -1;

    CudaKernelRunner(CudaSession session) {
        this.session = session;
    }

    @Override
    public String missingCode(Kernel k) {
        return k.hasCudaPtx() ? null : "kernel " + k.name() + " has no PTX";
    }

    @Override
    public LaunchReport launch(Kernel k, int n, List<Arg> args) throws KernelException {
        List<String> types = PtxEntries.paramTypes(k.ptx(), k.name());
        if (types == null) throw new KernelException("the PTX has no .entry " + k.name());
        if (types.size() != args.size()) {
            throw new KernelException("PTX entry " + k.name() + " takes " + types.size() + " parameters, the launch gave " + args.size());
        }
        for (int i = 0; i < types.size(); i++) {
            String why = PtxEntries.mismatch(k.name(), i, types.get(i), args.get(i));
            if (why != null) throw new KernelException(why);
        }
        try {
            session.call("running kernel " + k.name(), () -> run(k, n, args));
        } catch (DeviceException e) {
            throw new KernelException(e.getMessage(), e);
        }
        return new LaunchReport(k.name(), Backend.CUDA, session.device().name(), n, null);
    }

    private Void run(Kernel k, int n, List<Arg> args) {
        CudaMemory memory = session.memory();
        CUfunction f = function(k);
        CUdeviceptr[] ptrs = new CUdeviceptr[args.size()];
        Pointer[] params = new Pointer[args.size()];
        try {
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case Arg.Scalar s -> params[i] = Pointer.to(CudaLaunch.scalarBytes(s));
                    case Arg.Buffer b -> {
                        CUdeviceptr p = memory.allocDevice(Math.max(b.bytes(), 16));
                        ptrs[i] = p;
                        if (b.access().uploads() && b.bytes() > 0) check(JCudaDriver.cuMemcpyHtoD(p, hostPointer(b), b.bytes()), "cuMemcpyHtoD");
                        params[i] = Pointer.to(p);
                    }
                }
            }
            check(JCudaDriver.cuLaunchKernel(f, CudaLaunch.gridFor(n), 1, 1, CudaLaunch.BLOCK, 1, 1, 0, null,
                    Pointer.to(params), null), "cuLaunchKernel(" + k.name() + ")");
            check(JCudaDriver.cuCtxSynchronize(), "running " + k.name());
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i) instanceof Arg.Buffer b && b.access().downloads() && b.bytes() > 0) {
                    check(JCudaDriver.cuMemcpyDtoH(hostPointer(b), ptrs[i], b.bytes()), "cuMemcpyDtoH");
                }
            }
        } finally {
            for (CUdeviceptr p : ptrs) if (p != null) memory.free(p);
        }
        return null;
    }

    private static Pointer hostPointer(Arg.Buffer b) {
        return switch (b.data()) {
            case float[] a -> Pointer.to(a);
            case int[] a -> Pointer.to(a);
            case byte[] a -> Pointer.to(a);
            case double[] a -> Pointer.to(a);
            case ByteBuffer ignored -> Pointer.to(b.view());
            default -> throw new IllegalStateException();
        };
    }

    /** The kernel's function in the current context: its PTX loaded through the session's module cache. */
    private CUfunction function(Kernel k) {
        if (generation != session.generation()) { // a replaced context took its functions with it
            functions.clear();
            generation = session.generation();
        }
        String key = "user:" + k.name() + ":" + Integer.toHexString(k.ptx().hashCode()) + ":" + k.ptx().length();
        CUfunction f = functions.get(key);
        if (f != null) return f;
        byte[] text = k.ptx().getBytes(StandardCharsets.US_ASCII);
        byte[] image = new byte[text.length + 1]; // NUL-terminated, as cuModuleLoadData wants PTX
        System.arraycopy(text, 0, image, 0, text.length);
        CUmodule m = session.module(key, image);
        f = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(f, m, k.name()), "cuModuleGetFunction(" + k.name() + ")");
        functions.put(key, f);
        return f;
    }
}
