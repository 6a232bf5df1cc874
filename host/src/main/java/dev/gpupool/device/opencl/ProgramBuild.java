package dev.gpupool.device.opencl;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An OpenCL program built for one device through the {@link ProgramCache}: the cached binary when
 * the driver accepts it (a stale or foreign one is deleted and the source rebuilt), else a build
 * from source whose binary is then cached. The one way both the resizer and user kernels
 * ({@code dev.gpupool.kernel}) get their programs, hence public.
 *
 * @param program   the built program; the caller owns (and releases) it
 * @param cacheFile the binary's cache file (it may not exist when the cache is unwritable)
 * @param fromCache whether the program came from the cached binary
 * @param note      why the cache was not used or written, or null
 */
public record ProgramBuild(cl_program program, Path cacheFile, boolean fromCache, String note) {

    /** A build from source that failed; the program is already released. */
    public static final class Failed extends Exception {
        private final String log;

        private Failed(CLException cause, String log) {
            super(CL.stringFor_errorCode(cause.getStatus()), cause);
            this.log = log;
        }

        /** The OpenCL status of the failed build, by name ({@code CL_BUILD_PROGRAM_FAILURE}). */
        public String status() {
            return getMessage();
        }

        /** The compiler's build log (or why there is none). */
        public String log() {
            return log;
        }
    }

    /**
     * Builds {@code source} with {@code options} for {@code device} in {@code context}; the cache file
     * is named with {@code prefix} ({@link ProgramCache#fileFor}). Other OpenCL failures (creating
     * the program) are thrown as they come.
     */
    public static ProgramBuild build(ProgramCache cache, String prefix, cl_context context, OpenClDevice device,
                                     String source, String options) throws Failed {
        cl_device_id[] devs = {device.device()};
        Path file = cache.fileFor(prefix, device, source, options);
        String note = null;
        Optional<byte[]> cached = cache.read(file);
        if (cached.isPresent()) {
            cl_program prog = null;
            try {
                prog = CL.clCreateProgramWithBinary(context, 1, devs, new long[]{cached.get().length},
                        new byte[][]{cached.get()}, new int[1], null);
                CL.clBuildProgram(prog, 1, devs, options, null, null);
                return new ProgramBuild(prog, file, true, null);
            } catch (Throwable t) { // a stale or foreign binary: rebuild from source
                if (prog != null) releaseQuietly(prog);
                cache.delete(file);
                note = "cached binary rejected (" + t.getMessage() + "), rebuilt";
            }
        }
        cl_program prog = CL.clCreateProgramWithSource(context, 1, new String[]{source}, null, null);
        try {
            CL.clBuildProgram(prog, 1, devs, options, null, null);
        } catch (CLException e) {
            String log = buildLog(prog, device.device());
            releaseQuietly(prog);
            throw new Failed(e, log);
        } catch (Throwable t) {
            releaseQuietly(prog);
            throw t;
        }
        if (!saveBinary(cache, file, prog)) {
            note = (note == null ? "" : note + "; ") + "binary not cached (" + cache.dir() + " not writable or no binary)";
        }
        return new ProgramBuild(prog, file, false, note);
    }

    /** Releases {@code p}, ignoring failures (used on paths that are already failing or closing). */
    static void releaseQuietly(cl_program p) {
        try {
            CL.clReleaseProgram(p);
        } catch (Throwable ignored) {
            // nothing more to free
        }
    }

    private static String buildLog(cl_program prog, cl_device_id dev) {
        try {
            long[] size = new long[1];
            CL.clGetProgramBuildInfo(prog, dev, CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] b = new byte[(int) size[0]];
            CL.clGetProgramBuildInfo(prog, dev, CL.CL_PROGRAM_BUILD_LOG, b.length, Pointer.to(b), null);
            int n = b.length;
            while (n > 0 && b[n - 1] == 0) n--;
            return new String(b, 0, n, StandardCharsets.UTF_8).strip();
        } catch (Throwable t) {
            return "(no build log: " + t.getMessage() + ")";
        }
    }

    /** Caches the program's binary; false when there is none or it cannot be written. */
    private static boolean saveBinary(ProgramCache cache, Path file, cl_program prog) {
        try {
            long[] sizes = new long[1];
            CL.clGetProgramInfo(prog, CL.CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(sizes), null);
            if (sizes[0] <= 0 || sizes[0] > Integer.MAX_VALUE) return false;
            byte[] binary = new byte[(int) sizes[0]];
            CL.clGetProgramInfo(prog, CL.CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(Pointer.to(binary)), null);
            return cache.write(file, binary);
        } catch (Throwable t) {
            return false;
        }
    }
}
