package dev.gpupool.device.cuda;

import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceSession;
import dev.gpupool.kernel.KernelRunner;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static dev.gpupool.device.cuda.CudaCallException.check;

/**
 * A pool's one CUDA context on one device, the thread that owns it, and what hangs off it: the
 * module cache, the device and pinned memory ({@link CudaMemory}) and the clients (the resizer, the
 * user-kernel runner), which never own a context themselves.
 *
 * <p>Every CUDA call runs on the session's {@link DeviceThread} through {@link #call}, with the
 * context current. States (all fields below are owned by the device thread unless marked):
 * <pre>
 *   OPEN --call fails with a sticky error (700, 714-719, 999)--> context destroyed and created anew:
 *        OPEN again, generation + 1 (at most MAX_RECREATIONS times)
 *   OPEN --a sticky error after MAX_RECREATIONS, or a new context cannot be made--> DEAD
 *        (every later call fails at once with the reason: the process must restart to use the GPU)
 *   any --close()--> CLOSED
 * </pre>
 * A sticky error poisons a CUDA context: every later call in it returns the same error. Clients
 * hold handles (streams, events, functions, buffers) made in one {@link #generation()}; when a
 * call finds a newer generation they drop them (they died with the old context) and make new ones.
 */
public final class CudaSession implements DeviceSession {
    /** New contexts after sticky errors before the session gives up on the device. */
    static final int MAX_RECREATIONS = 2;
    /** Blocking sync: the device thread sleeps in synchronising calls instead of spinning a core. */
    static final int CU_CTX_SCHED_BLOCKING_SYNC = 0x04;
    private static final int JIT_LOG_BYTES = 16 << 10;

    private final CudaDevice device;
    private final DeviceThread thread;
    private final CudaMemory memory = new CudaMemory();
    private volatile boolean closed;

    // Owned by the device thread.
    private CUcontext context;
    private long totalMem;
    private int generation;
    private int recreations;
    private String dead;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private CudaResizer resizer;
    private CudaKernelRunner kernels; // guarded by this (made from any thread, used on the device thread)
    private CudaJpeg jpeg;
    private String jpegLine; // what jpegStatus() says: the codec in use, or why there is none (null: not looked yet)

    private CudaSession(CudaDevice device) {
        this.device = device;
        this.thread = new DeviceThread("gpupool-cuda-" + device.ordinal(), 16);
    }

    /**
     * Opens {@code device}: one context, the resize module, and a check that the device really works
     * (pinned and device memory allocated, the resize kernels run on a small batch and compared with
     * the CPU reference). Any failure, JCuda's JNI library not loading included, is a DeviceException.
     */
    public static CudaSession open(CudaDevice device) throws DeviceException {
        CudaSession s = new CudaSession(device);
        try {
            s.call("creating a context", () -> {
                JCudaDriver.setExceptionsEnabled(false); // return codes are checked here; see CudaCallException
                check(JCudaDriver.cuInit(0), "cuInit");
                s.createContext();
                return null;
            });
            dev.gpupool.device.SelfCheck.run(s.resizer());
            return s;
        } catch (Throwable t) {
            s.close();
            if (t instanceof DeviceException e) throw e;
            throw new DeviceException("CUDA: cannot open " + device.label() + ": " + describe(t), t);
        }
    }

    private void createContext() {
        CUdevice dev = new CUdevice();
        check(JCudaDriver.cuDeviceGet(dev, device.ordinal()), "cuDeviceGet");
        long[] mem = new long[1];
        check(JCudaDriver.cuDeviceTotalMem(mem, dev), "cuDeviceTotalMem");
        totalMem = mem[0];
        CUcontext ctx = new CUcontext();
        check(JCudaDriver.cuCtxCreate(ctx, CU_CTX_SCHED_BLOCKING_SYNC, dev), "cuCtxCreate");
        context = ctx;
    }

    /** Work to run on the device thread with the context current. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code work} on the device thread with the context current and waits; {@code what} names
     * it in errors. A CUDA error is a DeviceException; a sticky one also replaces the context (or
     * marks the session dead) before this returns, so the next call finds a working one.
     */
    <T> T call(String what, Work<T> work) throws DeviceException {
        if (closed) throw new DeviceException("CUDA session on " + device.name() + " is closed");
        try {
            return thread.call((Callable<T>) () -> onThread(what, work));
        } catch (DeviceException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceException("CUDA: interrupted while waiting for " + device.name(), e);
        } catch (Throwable t) {
            throw new DeviceException("CUDA failure on " + device.name() + " while " + what + ": " + describe(t), t);
        }
    }

    private <T> T onThread(String what, Work<T> work) throws Exception {
        if (dead != null) throw new DeviceException(dead);
        if (context != null) check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        try {
            return work.run();
        } catch (Exception e) {
            CudaCallException sticky = CudaCallException.find(e);
            if (sticky == null || !sticky.poisonsContext()) throw e;
            throw new DeviceException(recover(what, sticky), e);
        }
    }

    /** After a sticky error: a new context, or the session is dead. Returns the one-line reason for the failed call. */
    private String recover(String what, CudaCallException e) {
        destroyContext();
        String cause = CudaCallException.name(e.code()) + " (" + e.code() + ") in " + e.call() + " while " + what;
        if (recreations >= MAX_RECREATIONS) {
            dead = "CUDA on " + device.name() + " is unusable: " + cause + " after " + recreations
                    + " new contexts; the process must restart to use this GPU again";
            return dead;
        }
        recreations++;
        try {
            createContext();
            generation++;
            return "CUDA context on " + device.name() + " was poisoned by " + cause + "; a new context was made ("
                    + recreations + " of " + MAX_RECREATIONS + ")";
        } catch (RuntimeException again) {
            dead = "CUDA on " + device.name() + " is unusable: " + cause + ", and a new context failed: " + describe(again)
                    + "; the process must restart to use this GPU again";
            return dead;
        }
    }

    /** Frees what the context held and destroys it; the handles of its generation are dead. Never throws. */
    private void destroyContext() {
        modules.clear();
        memory.forgetAll();
        if (context != null) {
            try {
                JCudaDriver.cuCtxDestroy(context);
            } catch (Throwable ignored) {
                // a poisoned context may refuse even this; it dies with the process
            }
            context = null;
        }
    }

    /** A failure as one line; a JNI library that did not load gets said so plainly. */
    static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            // A JNI library that does not link (libcuda.so.1 missing) is UnsatisfiedLinkError the first
            // time, then NoClassDefFoundError "Could not initialize class" with an ExceptionInInitializerError.
            if (c instanceof UnsatisfiedLinkError || c instanceof ExceptionInInitializerError || c instanceof NoClassDefFoundError) {
                return "the JCuda driver library could not be loaded (" + c.toString().lines().findFirst().orElse("") + ")";
            }
        }
        return (t.getMessage() != null ? t.getMessage() : t.toString()).lines().findFirst().orElse(t.toString());
    }

    // ------------------------------------------------------------------------------ device thread only

    /** The context generation: bumped each time a poisoned context is replaced. Device thread only. */
    int generation() {
        return generation;
    }

    /** Whether a live context exists (not after the session died). Device thread only. */
    boolean hasContext() {
        return context != null;
    }

    /** Device memory in bytes. Device thread only. */
    long totalMem() {
        return totalMem;
    }

    /** Device and pinned allocations of this session. Device thread only. */
    CudaMemory memory() {
        return memory;
    }

    /**
     * The module of {@code ptx} (NUL-terminated PTX text), loaded once per context generation and
     * cached under {@code key}. A driver that refuses it (JIT error) fails with the JIT's own log.
     * Device thread only.
     */
    CUmodule module(String key, byte[] ptx) {
        CUmodule m = modules.get(key);
        if (m != null) return m;
        m = new CUmodule();
        JITOptions jit = new JITOptions();
        jit.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[JIT_LOG_BYTES]);
        jit.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, JIT_LOG_BYTES);
        int rc = JCudaDriver.cuModuleLoadDataJIT(m, Pointer.to(ptx), jit);
        if (rc != CudaCallException.CUDA_SUCCESS) {
            String log = jitLog(jit);
            throw new CudaCallException(rc, "cuModuleLoadData(" + key + ")" + (log.isEmpty() ? "" : ": JIT log: " + log));
        }
        modules.put(key, m);
        return m;
    }

    private static String jitLog(JITOptions jit) {
        try {
            String s = jit.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
            return s == null ? "" : s.strip().replace('\n', ' ');
        } catch (RuntimeException e) {
            return "";
        }
    }

    // ------------------------------------------------------------------------------ clients

    @Override
    public String deviceName() {
        return "CUDA: " + device.label();
    }

    public CudaDevice device() {
        return device;
    }

    /** The session's batched resize, made (module loaded, streams created) on first use. */
    @Override
    public CudaResizer resizer() throws DeviceException {
        return call("opening the resizer", () -> {
            if (resizer == null) resizer = new CudaResizer(this);
            return resizer;
        });
    }

    /**
     * The session's JPEG codec (nvJPEG's hardware decoder, the resize kernels, nvJPEG's encoder), or
     * null when nvJPEG is missing, turned off ({@code GPUPOOL_GPU_DECODE=off}), or the GPU has no
     * hardware JPEG decoder; {@link #jpegStatus()} then says which. Opened on first use.
     */
    @Override
    public CudaJpeg jpeg() throws DeviceException {
        return call("opening the JPEG codec", () -> {
            if (jpegLine == null) jpegLine = openJpeg();
            return jpeg;
        });
    }

    /** Device thread: opens the codec when it can; returns the status line either way. */
    private String openJpeg() {
        String setting = System.getProperty("gpupool.gpuDecode", System.getenv().getOrDefault("GPUPOOL_GPU_DECODE", "auto"));
        if (setting.equalsIgnoreCase("off")) return "off (turned off by GPUPOOL_GPU_DECODE=off; images are decoded on CPU threads)";
        dev.gpupool.device.nvjpeg.Nvjpeg.Found found = dev.gpupool.device.nvjpeg.Nvjpeg.find();
        if (found.library() == null) return "off (" + found.whyNot() + "; images are decoded on CPU threads)";
        var nv = found.library();
        String lib = "nvJPEG " + nv.version() + " (" + nv.path() + ")";
        long[] free = new long[1], total = new long[1];
        check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        try {
            jpeg = new CudaJpeg(this, nv, free[0]);
        } catch (dev.gpupool.device.nvjpeg.NvjpegException e) {
            if (e.status() == dev.gpupool.device.nvjpeg.NvjpegException.ARCH_MISMATCH) {
                return "off (" + lib + " is there, but " + device.name() + " has no hardware JPEG decoder (A100, A30, H100, H200"
                        + " and later data-centre GPUs have one); nvJPEG's CUDA decoder, measured slower than decoding on CPU"
                        + " threads shrunk on load, is not used)";
            }
            return "off (" + lib + " failed to open: " + e.getMessage() + ")";
        }
        int[] hw = jpeg.hardwareInfo();
        return lib + ", hardware decoder" + (hw == null ? "" : " (" + hw[0] + " engines x " + hw[1] + " cores)")
                + "; resize on the GPU; JPEG outputs of 1 MP and more encoded there (GPUPOOL_GPU_ENCODE=on|off|auto)";
    }

    @Override
    public String jpegStatus() {
        try {
            jpeg();
        } catch (DeviceException e) {
            return "JPEG decoding on the GPU: off (" + e.getMessage() + ")";
        }
        return "JPEG decoding on the GPU: " + jpegLine;
    }

    @Override
    public synchronized KernelRunner kernels() {
        if (kernels == null) kernels = new CudaKernelRunner(this);
        return kernels;
    }

    /** Pinned host-to-device and device-to-device copy bandwidth (see {@link CudaBandwidth}). */
    public CudaBandwidth.Result bandwidth(long bytes, int reps) throws DeviceException {
        CudaBandwidth.validate(bytes, reps);
        return call("measuring copy bandwidth", () -> CudaBandwidth.measure(this, bytes, reps));
    }

    @Override
    public List<String> limits() throws DeviceException {
        return List.of("limits: " + bandwidth(256L << 20, 10));
    }

    /** The platform thread that makes this session's CUDA calls (tests check that work ran there). */
    Thread deviceThread() {
        return thread.thread();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        thread.close(() -> {
            try {
                if (context != null) JCudaDriver.cuCtxSetCurrent(context);
                if (jpeg != null) jpeg.release();
                if (resizer != null) resizer.release();
                memory.freeAll();
            } catch (Throwable ignored) {
                // closing: nothing more to do (and JCuda may not even have loaded)
            }
            destroyContext();
        });
    }
}
