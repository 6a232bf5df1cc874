package dev.gpupool.device.opencl;

import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceResizer;
import dev.gpupool.device.DeviceSession;
import dev.gpupool.kernel.KernelRunner;
import org.jocl.CL;
import org.jocl.cl_context;
import org.jocl.cl_device_id;

import java.nio.file.Path;

/**
 * A pool's one OpenCL context on one device, and its clients: the resizer (its own queues and
 * buffers) and the user-kernel runner (its queue and programs), which share the context and the
 * on-disk program cache and never create a context of their own. OpenCL calls are thread-safe, so
 * unlike CUDA no thread owns the session; each client serialises its own work.
 */
public final class OpenClSession implements DeviceSession {
    private final OpenClDevice device;
    private final cl_context context;
    private final Path cacheDir;
    private OpenClResizer resizer;          // guarded by this
    private OpenClKernelRunner kernels;     // guarded by this
    private boolean closed;                 // guarded by this

    private OpenClSession(OpenClDevice device, cl_context context, Path cacheDir) {
        this.device = device;
        this.context = context;
        this.cacheDir = cacheDir;
    }

    /** Opens {@code device}'s context and checks the resize on it (program built or loaded, a batch run). */
    public static OpenClSession open(OpenClDevice device, Path cacheDir) throws DeviceException {
        cl_context ctx;
        try {
            CL.setExceptionsEnabled(true);
            ctx = CL.clCreateContext(null, 1, new cl_device_id[]{device.device()}, null, null, null);
        } catch (Throwable t) {
            throw new DeviceException("OpenCL: cannot create a context on " + device.label() + ": " + t.getMessage(), t);
        }
        OpenClSession s = new OpenClSession(device, ctx, cacheDir);
        try {
            dev.gpupool.device.SelfCheck.run(s.resizer());
            return s;
        } catch (DeviceException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    OpenClDevice device() {
        return device;
    }

    cl_context context() {
        return context;
    }

    Path cacheDir() {
        return cacheDir;
    }

    @Override
    public String deviceName() {
        return "OpenCL: " + device.label();
    }

    @Override
    public synchronized DeviceResizer resizer() throws DeviceException {
        if (closed) throw new DeviceException("OpenCL session on " + device.label() + " is closed");
        if (resizer == null) resizer = OpenClResizer.onSession(this);
        return resizer;
    }

    @Override
    public synchronized KernelRunner kernels() {
        if (kernels == null) kernels = new OpenClKernelRunner(this);
        return kernels;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        try {
            if (resizer != null) resizer.close();
            if (kernels != null) kernels.close();
        } finally {
            try {
                CL.clReleaseContext(context);
            } catch (Throwable ignored) {
                // closing: nothing more to do
            }
        }
    }
}
