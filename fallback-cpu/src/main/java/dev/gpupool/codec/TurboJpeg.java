package dev.gpupool.codec;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libjpeg-turbo's TurboJPEG 2.x API bound through {@code java.lang.foreign} (no JNI code).
 *
 * <p>Decoding and encoding use critical downcalls with heap access: the library reads the caller's
 * {@code byte[]} and writes straight into the {@code byte[]} a {@code PixelBuffer} will wrap, so no
 * native copy is made. TurboJPEG handles are not thread-safe, so each call borrows one from a small
 * pool (any number of threads, platform or virtual, may call concurrently).
 */
final class TurboJpeg {
    // Pixel formats, subsamplings, colour spaces, flags and error codes of turbojpeg.h (2.x).
    static final int TJPF_RGB = 0, TJPF_GRAY = 6, TJPF_CMYK = 11;
    static final int TJSAMP_444 = 0, TJSAMP_422 = 1, TJSAMP_420 = 2, TJSAMP_GRAY = 3;
    static final int TJCS_RGB = 0, TJCS_YCbCr = 1, TJCS_GRAY = 2, TJCS_CMYK = 3, TJCS_YCCK = 4;
    static final int TJFLAG_ACCURATEDCT = 4096, TJFLAG_STOPONWARNING = 8192, TJFLAG_PROGRESSIVE = 16384;
    static final int TJERR_WARNING = 0;

    /** The library's state: loaded with its version, or the reason it is not usable. */
    static final TurboJpeg INSTANCE = load();

    final boolean available;
    /** Why the library is not usable; null when it is. */
    private final String unavailable;
    private final SymbolLookup lib;
    private final String libName;
    // Loading finds the library and every symbol; binding them (a generated downcall stub per function
    // shape, ~8 ms of CPU each, measured) waits for the first image that needs them, so that a JVM that
    // only asks whether the library is there (the host of the cpu backend, for its report) never pays it.
    // The error path's calls are bound on their own first use.
    /** The calls of every image, bound on first use; guarded by this (volatile for the lock-free read). */
    private volatile Calls calls;
    /** tjGetErrorStr2, tjGetErrorCode, tjDestroy, bound on first use; guarded by this. */
    private ErrorCalls errorCalls;
    private final ConcurrentLinkedQueue<MemorySegment> decompressors = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<MemorySegment> compressors = new ConcurrentLinkedQueue<>();
    /** Compressors that have written a progressive JPEG: reused for progressive output only (see compress). */
    private final ConcurrentLinkedQueue<MemorySegment> progressiveCompressors = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooled = new AtomicInteger();
    private static final int MAX_POOLED = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private TurboJpeg(String unavailable) {
        this.available = false;
        this.unavailable = unavailable;
        lib = null;
        libName = null;
    }

    private TurboJpeg(SymbolLookup lib, String libName) {
        for (String f : Calls.FUNCTIONS) find(lib, f); // all present, or the library is refused now
        for (String f : ErrorCalls.FUNCTIONS) find(lib, f);
        available = true;
        unavailable = null;
        this.lib = lib;
        this.libName = libName;
    }

    /**
     * The calls of every image, and the scaling factors {num, denom} the library reports.
     */
    private record Calls(MethodHandle initDecompress, MethodHandle initCompress, MethodHandle decompressHeader3,
                         MethodHandle decompress2, MethodHandle compress2, MethodHandle free, int[][] scalingFactors) {
        static final String[] FUNCTIONS = {"tjInitDecompress", "tjInitCompress", "tjDecompressHeader3", "tjDecompress2",
                "tjCompress2", "tjFree", "tjGetScalingFactors"};

        static Calls bind(SymbolLookup lib) throws Throwable {
            Linker linker = Linker.nativeLinker();
            Linker.Option critical = Linker.Option.critical(true);
            MethodHandle initDecompress = linker.downcallHandle(find(lib, "tjInitDecompress"), FunctionDescriptor.of(ADDRESS));
            MethodHandle initCompress = linker.downcallHandle(find(lib, "tjInitCompress"), FunctionDescriptor.of(ADDRESS));
            // int tjDecompressHeader3(tjhandle, const unsigned char *jpegBuf, unsigned long jpegSize,
            //                         int *width, int *height, int *jpegSubsamp, int *jpegColorspace)
            MethodHandle header = linker.downcallHandle(find(lib, "tjDecompressHeader3"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS), critical);
            // int tjDecompress2(tjhandle, const unsigned char *jpegBuf, unsigned long jpegSize, unsigned char *dstBuf,
            //                   int width, int pitch, int height, int pixelFormat, int flags)
            MethodHandle decompress2 = linker.downcallHandle(find(lib, "tjDecompress2"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), critical);
            // int tjCompress2(tjhandle, const unsigned char *srcBuf, int width, int pitch, int height, int pixelFormat,
            //                 unsigned char **jpegBuf, unsigned long *jpegSize, int jpegSubsamp, int jpegQual, int flags)
            MethodHandle compress2 = linker.downcallHandle(find(lib, "tjCompress2"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT), critical);
            MethodHandle free = linker.downcallHandle(find(lib, "tjFree"), FunctionDescriptor.ofVoid(ADDRESS));
            // tjscalingfactor *tjGetScalingFactors(int *numscalingfactors); tjscalingfactor = {int num; int denom;}
            MethodHandle getScaling = linker.downcallHandle(find(lib, "tjGetScalingFactors"), FunctionDescriptor.of(ADDRESS, ADDRESS), critical);
            int[] n = new int[1];
            MemorySegment sf = (MemorySegment) getScaling.invokeExact(MemorySegment.ofArray(n));
            if (sf.equals(MemorySegment.NULL) || n[0] <= 0) throw new IllegalStateException("tjGetScalingFactors returned none");
            sf = sf.reinterpret(8L * n[0]);
            int[][] factors = new int[n[0]][];
            for (int i = 0; i < n[0]; i++) factors[i] = new int[]{sf.getAtIndex(JAVA_INT, 2L * i), sf.getAtIndex(JAVA_INT, 2L * i + 1)};
            return new Calls(initDecompress, initCompress, header, decompress2, compress2, free, factors);
        }
    }

    private Calls calls() {
        Calls c = calls;
        return c != null ? c : bind();
    }

    private synchronized Calls bind() {
        if (!available) throw new IllegalStateException("libturbojpeg is not available: " + unavailable);
        if (calls == null) {
            try {
                calls = Calls.bind(lib);
            } catch (Throwable e) {
                throw new IllegalStateException("cannot bind " + libName + ": " + e.getMessage(), e);
            }
        }
        return calls;
    }

    /** The error path's calls, bound together on first use. */
    private record ErrorCalls(MethodHandle errorStr2, MethodHandle errorCode, MethodHandle destroy) {
        static final String[] FUNCTIONS = {"tjGetErrorStr2", "tjGetErrorCode", "tjDestroy"};

        static ErrorCalls bind(SymbolLookup lib) {
            Linker linker = Linker.nativeLinker();
            return new ErrorCalls(linker.downcallHandle(find(lib, FUNCTIONS[0]), FunctionDescriptor.of(ADDRESS, ADDRESS)),
                    linker.downcallHandle(find(lib, FUNCTIONS[1]), FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                    linker.downcallHandle(find(lib, FUNCTIONS[2]), FunctionDescriptor.of(JAVA_INT, ADDRESS)));
        }
    }

    private synchronized ErrorCalls errorCalls() {
        if (errorCalls == null) errorCalls = ErrorCalls.bind(lib);
        return errorCalls;
    }

    /**
     * What is in use, e.g. {@code libjpeg-turbo 2.1.5 via FFM (libturbojpeg.so.0, shrink-on-load)}, or why
     * the library is not usable. Worked out when asked (the release is read from the package's changelog).
     */
    String description() {
        return available ? "libjpeg-turbo " + version(lib) + " via FFM (" + libName + ", shrink-on-load)" : unavailable;
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("symbol " + name + " missing (TurboJPEG 2.x API needed)"));
    }

    /** TurboJPEG 2.x has no version call; the 2.1 API added tjGetErrorCode, 3.x adds tj3Init. */
    private static String version(SymbolLookup lib) {
        String v = lib.find("tj3Init").isPresent() ? "3.x" : "2.1+";
        try {
            // Debian and most builds name the file after the TurboJPEG API revision, not the release;
            // report the dpkg-style release when the package's changelog says it, else the API level.
            var p = java.nio.file.Path.of("/usr/share/doc/libturbojpeg0/changelog.Debian.gz");
            if (java.nio.file.Files.isReadable(p)) {
                try (var in = new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(p))) {
                    String first = new String(in.readNBytes(200), java.nio.charset.StandardCharsets.ISO_8859_1);
                    var m = java.util.regex.Pattern.compile("\\((?:\\d+:)?([0-9.]+)").matcher(first);
                    if (m.find()) return m.group(1);
                }
            }
        } catch (Exception ignored) {
            // the API level is enough
        }
        return v;
    }

    private static TurboJpeg load() {
        if (Boolean.getBoolean("gpupool.jpeg.imageio")) return new TurboJpeg("disabled by -Dgpupool.jpeg.imageio=true");
        StringBuilder why = new StringBuilder();
        for (String name : new String[]{"libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.0.dylib", "turbojpeg.dll"}) {
            try {
                SymbolLookup lib = SymbolLookup.libraryLookup(name, Arena.global());
                return new TurboJpeg(lib, name);
            } catch (Throwable e) {
                if (why.isEmpty()) why.append(name).append(" not found: ").append(e.getMessage());
            }
        }
        return new TurboJpeg(why.toString());
    }

    /** The header of a JPEG: stored (not upright) size, subsampling, colour space. */
    record Header(int width, int height, int subsamp, int colorspace) {
    }

    /** Reads the header; fails with the library's reason when {@code jpeg} is not a JPEG stream. */
    Header header(byte[] jpeg) throws ImageDecodeException {
        MemorySegment h = borrow(decompressors, true);
        try {
            int[] out = new int[4];
            MemorySegment o = MemorySegment.ofArray(out);
            int rc = (int) calls().decompressHeader3().invokeExact(h, MemorySegment.ofArray(jpeg), (long) jpeg.length,
                    o, o.asSlice(4), o.asSlice(8), o.asSlice(12));
            if (rc != 0) {
                String msg = error(h);
                discard(h);
                h = null;
                throw new ImageDecodeException("not a readable JPEG: " + msg);
            }
            return new Header(out[0], out[1], out[2], out[3]);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            if (h != null) giveBack(decompressors, h);
        }
    }

    /**
     * The scaling factor {num, denom} (num/denom ≤ 1) to decode {@code w x h} at, leaving at least
     * {@code minW x minH} (stored orientation): the smallest factor that scales both sides exactly
     * (w * num / denom and h * num / denom whole numbers), or, when only full size would be exact,
     * the smallest factor at all. 1/1 when nothing shrinks or when either minimum is 0 or less (0
     * asks for full size).
     *
     * <p>Why exact first: a scaled JPEG is exactly w * num / denom pixels wide in continuous
     * coordinates, but the decoder rounds the pixel count up; a resampler that maps the decoded
     * width onto the full width then drifts by up to one decoded pixel across the image, which
     * costs several dB on textured photos. Camera sizes (multiples of 8) are exact at every factor.
     */
    int[] scaleFor(int w, int h, int minW, int minH) {
        int[] full = {1, 1};
        if (minW <= 0 || minH <= 0) return full;
        // The smallest scale that leaves the minimum; the geometry uses the exact M/8 scale, so a
        // size that M/8 does not divide (TJSCALED rounds up) costs no quality.
        int[] smallest = null;
        long smallestW = Long.MAX_VALUE;
        for (int[] f : calls().scalingFactors()) {
            if (f[0] >= f[1]) continue;
            int sw = scaled(w, f), sh = scaled(h, f);
            if (sw < minW || sh < minH) continue;
            if (sw < smallestW) { smallest = f; smallestW = sw; }
        }
        return smallest != null ? smallest : full;
    }

    /** TJSCALED: ceil(dim * num / denom). */
    static int scaled(int dim, int[] f) {
        return (int) (((long) dim * f[0] + f[1] - 1) / f[1]);
    }

    /** The outcome of a decode: {@code warning} is null when the library reported none. */
    record Result(byte[] pixels, String warning) {
    }

    /**
     * Decodes into a new array of {@code w * h * channels(pixelFormat)}. Strict: any warning from the
     * library (truncated data, corrupt entropy data) fails; lenient: a warning keeps the pixels.
     */
    Result decompress(byte[] jpeg, int w, int h, int pixelFormat, int channels, boolean lenient) throws ImageDecodeException {
        byte[] dst = new byte[Math.multiplyExact(Math.multiplyExact(w, h), channels)];
        MemorySegment handle = borrow(decompressors, true);
        try {
            int flags = TJFLAG_ACCURATEDCT | (lenient ? 0 : TJFLAG_STOPONWARNING);
            int rc = (int) calls().decompress2().invokeExact(handle, MemorySegment.ofArray(jpeg), (long) jpeg.length,
                    MemorySegment.ofArray(dst), w, w * channels, h, pixelFormat, flags);
            if (rc == 0) return new Result(dst, null);
            String msg = error(handle);
            int code = (int) errorCalls().errorCode().invokeExact(handle);
            discard(handle);
            handle = null;
            if (lenient && code == TJERR_WARNING) return new Result(dst, msg);
            throw new ImageDecodeException("corrupt JPEG: " + msg);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            if (handle != null) giveBack(decompressors, handle);
        }
    }

    /** Compresses {@code w x h} pixels of {@code pixelFormat} (RGB or grey) at {@code quality}. */
    byte[] compress(byte[] src, int w, int h, int pixelFormat, int channels, int subsamp, int quality) throws java.io.IOException {
        return compress(src, w, h, pixelFormat, channels, subsamp, quality, TJFLAG_ACCURATEDCT);
    }

    /** As above, with TurboJPEG {@code flags} (tests make progressive JPEGs with {@link #TJFLAG_PROGRESSIVE}). */
    byte[] compress(byte[] src, int w, int h, int pixelFormat, int channels, int subsamp, int quality, int flags)
            throws java.io.IOException {
        boolean progressive = (flags & TJFLAG_PROGRESSIVE) != 0;
        MemorySegment handle = borrow(progressive ? progressiveCompressors : compressors, false);
        long[] out = new long[2]; // unsigned char *jpegBuf (library-allocated), unsigned long jpegSize
        try {
            MemorySegment o = MemorySegment.ofArray(out);
            int rc = (int) calls().compress2().invokeExact(handle, MemorySegment.ofArray(src), w, w * channels, h, pixelFormat,
                    o, o.asSlice(8), subsamp, quality, flags);
            if (rc != 0) {
                String msg = error(handle);
                discard(handle);
                handle = null;
                throw new java.io.IOException("JPEG encoding failed: " + msg);
            }
            return MemorySegment.ofAddress(out[0]).reinterpret(out[1]).toArray(JAVA_BYTE);
        } catch (java.io.IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            try {
                if (out[0] != 0) calls().free().invokeExact(MemorySegment.ofAddress(out[0]));
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
            // TurboJPEG 2.1 keeps a progressive script on the handle: later baseline output from it
            // would be corrupt, so such a handle goes back to a pool of its own, for progressive output only.
            if (handle != null) giveBack(progressive ? progressiveCompressors : compressors, handle);
        }
    }

    private String error(MemorySegment handle) throws Throwable {
        MemorySegment s = (MemorySegment) errorCalls().errorStr2().invokeExact(handle);
        return s.equals(MemorySegment.NULL) ? "unknown TurboJPEG error" : s.reinterpret(1024).getString(0);
    }

    private MemorySegment borrow(ConcurrentLinkedQueue<MemorySegment> pool, boolean decompress) {
        if (!available) throw new IllegalStateException("libturbojpeg is not available: " + unavailable);
        MemorySegment h = pool.poll();
        if (h != null) {
            pooled.decrementAndGet();
            return h;
        }
        try {
            if (decompress) h = (MemorySegment) calls().initDecompress().invokeExact();
            else h = (MemorySegment) calls().initCompress().invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        if (h.equals(MemorySegment.NULL)) throw new OutOfMemoryError("tjInit" + (decompress ? "Decompress" : "Compress") + " failed");
        return h;
    }

    /** Returns a handle after a successful call; a handle that reported an error is {@link #discard}ed instead. */
    private void giveBack(ConcurrentLinkedQueue<MemorySegment> pool, MemorySegment h) {
        if (pooled.incrementAndGet() <= MAX_POOLED) {
            pool.offer(h);
            return;
        }
        pooled.decrementAndGet();
        discard(h);
    }

    /**
     * Destroys a handle. Done after every error: TurboJPEG 2.x's tjDecompressHeader3 returns from an
     * error without aborting the decompressor, leaving it mid-header, and the next call on that handle
     * would go on parsing the old state against new data ("Unsupported marker type ...").
     */
    private void discard(MemorySegment h) {
        try {
            int ignored = (int) errorCalls().destroy().invokeExact(h);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
