package dev.gpupool.device.nvjpeg;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * NVIDIA's nvJPEG (the CUDA toolkit's {@code libnvjpeg.so.13} or {@code .12}) bound through
 * {@code java.lang.foreign}: the handful of entry points gpupool uses, each a thin call that turns a
 * status other than success into an {@link NvjpegException}. Handles are raw addresses ({@code long});
 * device buffers and CUDA streams are raw addresses too (the CUDA session hands them over).
 *
 * <p>nvJPEG runs on the CUDA runtime, which works in the context current on the calling thread:
 * every call must be made on the CUDA session's device thread with the session's context current.
 * This class holds no state but the library; it is not where that rule is enforced (the session is).
 *
 * <p>Where the library is looked for, first found wins: the system property
 * {@code gpupool.nvjpeg.library} (a file; tests point it at the fake), the environment variable
 * {@code GPUPOOL_NVJPEG} (a file), {@code $CUDA_HOME/lib64}, {@code $CUDA_PATH/lib64},
 * {@code /usr/local/cuda/lib64}, then the system library path ({@code libnvjpeg.so.13}, {@code .12}).
 */
public final class Nvjpeg {
    public static final int BACKEND_DEFAULT = 0, BACKEND_HYBRID = 1, BACKEND_GPU_HYBRID = 2, BACKEND_HARDWARE = 3;
    public static final int OUTPUT_RGBI = 5, INPUT_RGBI = 5;
    public static final int CSS_444 = 0, CSS_422 = 1, CSS_420 = 2, CSS_GRAY = 6;
    /** {@code nvjpegImage_t}: {@code unsigned char *channel[4]; size_t pitch[4];}. */
    public static final MemoryLayout IMAGE = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(4, ADDRESS).withName("channel"), MemoryLayout.sequenceLayout(4, JAVA_LONG).withName("pitch"));
    private static final String[] NAMES = {"libnvjpeg.so.13", "libnvjpeg.so.12"};
    private static final Map<Integer, String> STATUS = Map.ofEntries(Map.entry(1, "NOT_INITIALIZED"),
            Map.entry(2, "INVALID_PARAMETER"), Map.entry(3, "BAD_JPEG"), Map.entry(4, "JPEG_NOT_SUPPORTED"),
            Map.entry(5, "ALLOCATOR_FAILURE"), Map.entry(6, "EXECUTION_FAILED"), Map.entry(7, "ARCH_MISMATCH"),
            Map.entry(8, "INTERNAL_ERROR"), Map.entry(9, "IMPLEMENTATION_NOT_SUPPORTED"), Map.entry(10, "INCOMPLETE_BITSTREAM"));

    private final String path;
    private final String version;
    private final MethodHandle createEx, destroy, hardwareInfo, stateCreate, stateDestroy, streamCreate, streamDestroy,
            streamParse, batchedSupported, batchedInitialize, decodeBatched, encStateCreate, encStateDestroy,
            encParamsCreate, encParamsDestroy, setQuality, setOptimizedHuffman, setSampling, encodeImage, retrieve;

    /** The library found, or why none is usable (one line each). */
    public record Found(Nvjpeg library, String whyNot) {
    }

    private static volatile Found found;

    /** The library, looked for once per process. */
    public static Found find() {
        Found f = found;
        if (f == null) {
            synchronized (Nvjpeg.class) {
                if (found == null) found = look();
                f = found;
            }
        }
        return f;
    }

    private static Found look() {
        List<String> tried = new ArrayList<>();
        for (String file : candidates()) {
            try {
                return new Found(new Nvjpeg(SymbolLookup.libraryLookup(Path.of(file), Arena.global()), file), null);
            } catch (Throwable e) {
                tried.add(file + ": " + firstLine(e));
            }
        }
        for (String name : NAMES) {
            try {
                return new Found(new Nvjpeg(SymbolLookup.libraryLookup(name, Arena.global()), name), null);
            } catch (Throwable e) {
                tried.add(name + " not on the library path");
            }
        }
        return new Found(null, "libnvjpeg not found (" + String.join("; ", tried) + "): it ships with the CUDA toolkit, "
                + "not the driver; install it (NVIDIA's apt repository: libnvjpeg-13-0; pip: nvidia-nvjpeg) or point "
                + "GPUPOOL_NVJPEG at libnvjpeg.so.13 or .12");
    }

    /** Files named by the property, the environment and the usual toolkit folders, in order, that exist. */
    static List<String> candidates() {
        List<String> out = new ArrayList<>();
        String prop = System.getProperty("gpupool.nvjpeg.library");
        if (prop != null && !prop.isBlank()) out.add(prop);
        String env = System.getenv("GPUPOOL_NVJPEG");
        if (env != null && !env.isBlank()) out.add(env);
        List<String> dirs = new ArrayList<>();
        for (String var : new String[]{"CUDA_HOME", "CUDA_PATH"}) {
            String home = System.getenv(var);
            if (home != null && !home.isBlank()) dirs.add(home + "/lib64");
        }
        dirs.add("/usr/local/cuda/lib64");
        for (String d : dirs) {
            for (String n : NAMES) if (Files.isRegularFile(Path.of(d, n))) out.add(Path.of(d, n).toString());
        }
        return out;
    }

    private Nvjpeg(SymbolLookup lib, String path) throws Throwable {
        this.path = path;
        Linker l = Linker.nativeLinker();
        MethodHandle getProperty = h(l, lib, "nvjpegGetProperty", JAVA_INT, ADDRESS);
        int[] v = new int[3];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            for (int i = 0; i < 3; i++) {
                check((int) getProperty.invokeExact(i, out), "nvjpegGetProperty");
                v[i] = out.get(JAVA_INT, 0);
            }
        }
        version = v[0] + "." + v[1] + "." + v[2];
        createEx = h(l, lib, "nvjpegCreateEx", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        destroy = h(l, lib, "nvjpegDestroy", ADDRESS);
        hardwareInfo = lib.find("nvjpegGetHardwareDecoderInfo").isPresent()
                ? h(l, lib, "nvjpegGetHardwareDecoderInfo", ADDRESS, ADDRESS, ADDRESS) : null; // CUDA 11.4+
        stateCreate = h(l, lib, "nvjpegJpegStateCreate", ADDRESS, ADDRESS);
        stateDestroy = h(l, lib, "nvjpegJpegStateDestroy", ADDRESS);
        streamCreate = h(l, lib, "nvjpegJpegStreamCreate", ADDRESS, ADDRESS);
        streamDestroy = h(l, lib, "nvjpegJpegStreamDestroy", ADDRESS);
        streamParse = h(l, lib, "nvjpegJpegStreamParse", ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS);
        batchedSupported = h(l, lib, "nvjpegDecodeBatchedSupported", ADDRESS, ADDRESS, ADDRESS);
        batchedInitialize = h(l, lib, "nvjpegDecodeBatchedInitialize", ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT);
        decodeBatched = h(l, lib, "nvjpegDecodeBatched", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        encStateCreate = h(l, lib, "nvjpegEncoderStateCreate", ADDRESS, ADDRESS, ADDRESS);
        encStateDestroy = h(l, lib, "nvjpegEncoderStateDestroy", ADDRESS);
        encParamsCreate = h(l, lib, "nvjpegEncoderParamsCreate", ADDRESS, ADDRESS, ADDRESS);
        encParamsDestroy = h(l, lib, "nvjpegEncoderParamsDestroy", ADDRESS);
        setQuality = h(l, lib, "nvjpegEncoderParamsSetQuality", ADDRESS, JAVA_INT, ADDRESS);
        setOptimizedHuffman = h(l, lib, "nvjpegEncoderParamsSetOptimizedHuffman", ADDRESS, JAVA_INT, ADDRESS);
        setSampling = h(l, lib, "nvjpegEncoderParamsSetSamplingFactors", ADDRESS, JAVA_INT, ADDRESS);
        encodeImage = h(l, lib, "nvjpegEncodeImage", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
        retrieve = h(l, lib, "nvjpegEncodeRetrieveBitstream", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    }

    /** A downcall returning nvjpegStatus_t (int) with the given argument layouts. */
    private static MethodHandle h(Linker l, SymbolLookup lib, String name, java.lang.foreign.MemoryLayout... args) {
        MemorySegment s = lib.find(name).orElseThrow(() -> new IllegalStateException("symbol " + name + " missing (nvJPEG 11.4 or newer needed)"));
        return l.downcallHandle(s, FunctionDescriptor.of(JAVA_INT, args));
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    /** The file or name it was loaded from. */
    public String path() {
        return path;
    }

    /** major.minor.patch as the library reports it. */
    public String version() {
        return version;
    }

    static void check(int status, String call) {
        if (status != 0) throw new NvjpegException(status, call);
    }

    /** {@code NVJPEG_STATUS_...} name of a status. */
    public static String statusName(int status) {
        return "NVJPEG_STATUS_" + STATUS.getOrDefault(status, "UNKNOWN_" + status);
    }

    private static MemorySegment p(long address) {
        return MemorySegment.ofAddress(address);
    }

    // ------------------------------------------------------------------------------------ the library handle

    /** nvjpegCreateEx(backend, default allocators, flags 0): a library handle for that backend. */
    public long create(int backend) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) createEx.invokeExact(backend, MemorySegment.NULL, MemorySegment.NULL, 0, out), "nvjpegCreateEx");
            return out.get(ADDRESS, 0).address();
        } catch (NvjpegException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void destroy(long handle) {
        call(() -> (int) destroy.invokeExact(p(handle)), "nvjpegDestroy");
    }

    /** {engines, cores per engine} of the hardware decoder behind a hardware handle; null when the library cannot say. */
    public int[] hardwareDecoderInfo(long handle) {
        if (hardwareInfo == null) return null;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = a.allocate(JAVA_INT), c = a.allocate(JAVA_INT);
            int rc = (int) hardwareInfo.invokeExact(p(handle), e, c);
            return rc == 0 ? new int[]{e.get(JAVA_INT, 0), c.get(JAVA_INT, 0)} : null;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ------------------------------------------------------------------------------------ decoding

    public long jpegStateCreate(long handle) {
        return create2(stateCreate, handle, "nvjpegJpegStateCreate");
    }

    public void jpegStateDestroy(long state) {
        call(() -> (int) stateDestroy.invokeExact(p(state)), "nvjpegJpegStateDestroy");
    }

    public long jpegStreamCreate(long handle) {
        return create2(streamCreate, handle, "nvjpegJpegStreamCreate");
    }

    public void jpegStreamDestroy(long stream) {
        call(() -> (int) streamDestroy.invokeExact(p(stream)), "nvjpegJpegStreamDestroy");
    }

    /** Parses {@code data} (native memory) into {@code stream}, neither metadata nor bitstream kept. */
    public void jpegStreamParse(long handle, MemorySegment data, long stream) {
        call(() -> (int) streamParse.invokeExact(p(handle), data, data.byteSize(), 0, 0, p(stream)), "nvjpegJpegStreamParse");
    }

    /** Whether the handle's batched decoder takes the parsed image (nvJPEG's 0 means yes). */
    public boolean decodeBatchedSupported(long handle, long stream) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check((int) batchedSupported.invokeExact(p(handle), p(stream), out), "nvjpegDecodeBatchedSupported");
            return out.get(JAVA_INT, 0) == 0;
        } catch (NvjpegException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void decodeBatchedInitialize(long handle, long state, int batch, int cpuThreads, int outputFormat) {
        call(() -> (int) batchedInitialize.invokeExact(p(handle), p(state), batch, cpuThreads, outputFormat), "nvjpegDecodeBatchedInitialize");
    }

    /**
     * Decodes a batch: {@code data} holds the images' native addresses, {@code lengths} their sizes
     * (size_t each), {@code images} one {@link #IMAGE} per image naming its device destination; the
     * work is queued on the CUDA stream {@code cuStream}.
     */
    public void decodeBatched(long handle, long state, MemorySegment data, MemorySegment lengths, MemorySegment images, long cuStream) {
        call(() -> (int) decodeBatched.invokeExact(p(handle), p(state), data, lengths, images, p(cuStream)), "nvjpegDecodeBatched");
    }

    // ------------------------------------------------------------------------------------ encoding

    public long encoderStateCreate(long handle, long cuStream) {
        return create3(encStateCreate, handle, cuStream, "nvjpegEncoderStateCreate");
    }

    public void encoderStateDestroy(long state) {
        call(() -> (int) encStateDestroy.invokeExact(p(state)), "nvjpegEncoderStateDestroy");
    }

    /** Encoder parameters: {@code quality} 1..100, {@code subsampling} a CSS_ constant, optimised Huffman tables. */
    public long encoderParams(long handle, int quality, int subsampling, long cuStream) {
        long params = create3(encParamsCreate, handle, cuStream, "nvjpegEncoderParamsCreate");
        try {
            call(() -> (int) setQuality.invokeExact(p(params), quality, p(cuStream)), "nvjpegEncoderParamsSetQuality");
            call(() -> (int) setSampling.invokeExact(p(params), subsampling, p(cuStream)), "nvjpegEncoderParamsSetSamplingFactors");
            call(() -> (int) setOptimizedHuffman.invokeExact(p(params), 1, p(cuStream)), "nvjpegEncoderParamsSetOptimizedHuffman");
            return params;
        } catch (RuntimeException e) {
            encoderParamsDestroy(params);
            throw e;
        }
    }

    public void encoderParamsDestroy(long params) {
        call(() -> (int) encParamsDestroy.invokeExact(p(params)), "nvjpegEncoderParamsDestroy");
    }

    /** Queues the encoding of the interleaved RGB {@code image} (an {@link #IMAGE} naming device memory) on {@code cuStream}. */
    public void encodeImage(long handle, long state, long params, MemorySegment image, int width, int height, long cuStream) {
        call(() -> (int) encodeImage.invokeExact(p(handle), p(state), p(params), image, INPUT_RGBI, width, height, p(cuStream)),
                "nvjpegEncodeImage");
    }

    /** The encoded bitstream of {@code state}: waits for the encoding on {@code cuStream}, then copies it out. */
    public byte[] retrieveBitstream(long handle, long state, long cuStream) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment len = a.allocate(JAVA_LONG);
            check((int) retrieve.invokeExact(p(handle), p(state), MemorySegment.NULL, len, p(cuStream)), "nvjpegEncodeRetrieveBitstream");
            long n = len.get(JAVA_LONG, 0);
            if (n <= 0 || n > Integer.MAX_VALUE - 64) throw new NvjpegException(8, "nvjpegEncodeRetrieveBitstream (length " + n + ")");
            MemorySegment buf = a.allocate(n);
            check((int) retrieve.invokeExact(p(handle), p(state), buf, len, p(cuStream)), "nvjpegEncodeRetrieveBitstream");
            return buf.asSlice(0, len.get(JAVA_LONG, 0)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        } catch (NvjpegException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ------------------------------------------------------------------------------------ plumbing

    @FunctionalInterface
    private interface Call {
        int run() throws Throwable;
    }

    private static void call(Call c, String name) {
        int rc;
        try {
            rc = c.run();
        } catch (Throwable t) {
            throw rethrow(t);
        }
        check(rc, name);
    }

    private static long create2(MethodHandle mh, long handle, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) mh.invokeExact(p(handle), out), name);
            return out.get(ADDRESS, 0).address();
        } catch (NvjpegException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static long create3(MethodHandle mh, long handle, long cuStream, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) mh.invokeExact(p(handle), out, p(cuStream)), name);
            return out.get(ADDRESS, 0).address();
        } catch (NvjpegException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
