package dev.gpupool.kernel;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.device.cuda.CudaDevice;
import dev.gpupool.device.cuda.CudaProbe;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A pool's CUDA context for user kernels (a {@link Pool#resource}). A context is current per OS
 * thread, so one platform thread ({@code gpupool-kernels-cuda-<n>}) creates it and makes every CUDA
 * call; launches queue up for it. Each kernel's PTX is loaded once ({@code cuModuleLoadData}, JIT-
 * compiled by the driver). A launch allocates device buffers, uploads {@code in}/{@code inOut},
 * runs {@link CudaLaunch#gridFor} blocks of {@link CudaLaunch#BLOCK} threads, synchronises, downloads
 * {@code out}/{@code inOut} and frees. JCuda's exceptions stay off (as in the resize backend): every
 * return code is checked here.
 */
final class CudaKernels implements AutoCloseable {
    private final CudaDevice device;
    private final ExecutorService thread;
    // Owned by the device thread.
    private CUcontext context;
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final List<CUmodule> modules = new ArrayList<>();

    static CudaKernels open(Pool pool) {
        CudaProbe.Scan scan = new CudaProbe().scan();
        if (scan.failure() != null) throw new IllegalStateException("CUDA " + scan.failure());
        if (pool.deviceIndex() >= scan.usable().size()) throw new IllegalStateException("no usable CUDA device #" + pool.deviceIndex());
        CudaKernels k = new CudaKernels(scan.usable().get(pool.deviceIndex()));
        try {
            k.onThread(k::init);
        } catch (KernelException e) {
            k.close();
            throw new IllegalStateException(e.getMessage(), e);
        }
        return k;
    }

    private CudaKernels(CudaDevice device) {
        this.device = device;
        this.thread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon(true)
                .name("gpupool-kernels-cuda-" + device.ordinal()).unstarted(r));
    }

    private interface DeviceWork<T> {
        T run() throws KernelException;
    }

    private <T> T onThread(DeviceWork<T> work) throws KernelException {
        Future<T> f = thread.submit(work::run);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException("interrupted while waiting for the CUDA device thread", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KernelException ke) throw ke;
            throw new KernelException("CUDA failure on " + device.label() + ": " + e.getCause(), e.getCause());
        }
    }

    private Void init() throws KernelException {
        JCudaDriver.setExceptionsEnabled(false);
        check(JCudaDriver.cuInit(0), "cuInit");
        CUdevice dev = new CUdevice();
        check(JCudaDriver.cuDeviceGet(dev, device.ordinal()), "cuDeviceGet");
        CUcontext ctx = new CUcontext();
        check(JCudaDriver.cuCtxCreate(ctx, 0, dev), "cuCtxCreate");
        context = ctx;
        return null;
    }

    private void check(int rc, String call) throws KernelException {
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new KernelException(call + " failed on " + device.label() + ": " + CUresult.stringFor(rc) + " (" + rc + ")");
        }
    }

    LaunchReport launch(Kernel k, int n, List<Arg> args) throws KernelException {
        int expected = PtxEntries.paramCount(k.ptx(), k.name());
        if (expected != args.size()) {
            throw new KernelException("PTX entry " + k.name() + " takes " + expected + " parameters, the launch gave " + args.size());
        }
        onThread(() -> run(k, n, args));
        return new LaunchReport(k.name(), Backend.CUDA, device.name(), n, null);
    }

    private Void run(Kernel k, int n, List<Arg> args) throws KernelException {
        if (context == null) throw new KernelException("the pool's CUDA context is closed");
        CUfunction f = function(k);
        CUdeviceptr[] ptrs = new CUdeviceptr[args.size()];
        Pointer[] params = new Pointer[args.size()];
        try {
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case Arg.Scalar s -> params[i] = Pointer.to(CudaLaunch.scalarBytes(s));
                    case Arg.Buffer b -> {
                        CUdeviceptr p = new CUdeviceptr();
                        check(JCudaDriver.cuMemAlloc(p, Math.max(b.bytes(), 16)), "cuMemAlloc(" + b.bytes() + " bytes)");
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
            for (CUdeviceptr p : ptrs) if (p != null) JCudaDriver.cuMemFree(p);
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

    private CUfunction function(Kernel k) throws KernelException {
        String key = k.name() + "\n" + k.ptx();
        CUfunction f = functions.get(key);
        if (f != null) return f;
        byte[] text = k.ptx().getBytes(StandardCharsets.US_ASCII);
        byte[] image = new byte[text.length + 1]; // NUL-terminated, as cuModuleLoadData wants PTX
        System.arraycopy(text, 0, image, 0, text.length);
        CUmodule m = new CUmodule();
        check(JCudaDriver.cuModuleLoadData(m, image), "cuModuleLoadData(PTX of " + k.name() + ")");
        modules.add(m);
        f = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(f, m, k.name()), "cuModuleGetFunction(" + k.name() + ")");
        functions.put(key, f);
        return f;
    }

    @Override
    public void close() {
        try {
            onThread(() -> {
                for (CUmodule m : modules) JCudaDriver.cuModuleUnload(m);
                modules.clear();
                functions.clear();
                if (context != null) JCudaDriver.cuCtxDestroy(context);
                context = null;
                return null;
            });
        } catch (KernelException ignored) {
            // closing: nothing more to do
        } finally {
            thread.shutdown();
        }
    }
}
