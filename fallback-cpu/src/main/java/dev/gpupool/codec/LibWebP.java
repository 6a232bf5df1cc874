package dev.gpupool.codec;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libwebp's simple encoding API ({@code WebPEncodeRGB}, {@code WebPEncodeRGBA}, their lossless
 * {@code WebPEncodeLosslessRGB}, {@code WebPEncodeLosslessRGBA}, and {@code WebPFree}) through FFM.
 */
final class LibWebP {
    static final LibWebP INSTANCE = load();

    final boolean available;
    final String description;
    private final MethodHandle encodeRgb, encodeRgba, losslessRgb, losslessRgba, free;

    private LibWebP(String why) {
        available = false;
        description = why;
        encodeRgb = encodeRgba = losslessRgb = losslessRgba = free = null;
    }

    private LibWebP(SymbolLookup lib, String name) throws Throwable {
        Linker linker = Linker.nativeLinker();
        // size_t WebPEncodeRGB(const uint8_t* rgb, int width, int height, int stride, float quality, uint8_t** output)
        FunctionDescriptor enc = FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS);
        Linker.Option critical = Linker.Option.critical(true);
        encodeRgb = linker.downcallHandle(lib.find("WebPEncodeRGB").orElseThrow(), enc, critical);
        encodeRgba = linker.downcallHandle(lib.find("WebPEncodeRGBA").orElseThrow(), enc, critical);
        // size_t WebPEncodeLosslessRGB(const uint8_t* rgb, int width, int height, int stride, uint8_t** output)
        FunctionDescriptor lossless = FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
        losslessRgb = linker.downcallHandle(lib.find("WebPEncodeLosslessRGB").orElseThrow(), lossless, critical);
        losslessRgba = linker.downcallHandle(lib.find("WebPEncodeLosslessRGBA").orElseThrow(), lossless, critical);
        free = linker.downcallHandle(lib.find("WebPFree").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS));
        MethodHandle version = linker.downcallHandle(lib.find("WebPGetEncoderVersion").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
        int v = (int) version.invokeExact();
        available = true;
        description = "libwebp " + (v >> 16) + "." + ((v >> 8) & 0xFF) + "." + (v & 0xFF) + " via FFM (" + name + ")";
    }

    private static LibWebP load() {
        String why = null;
        for (String name : new String[]{"libwebp.so.7", "libwebp.so", "libwebp.7.dylib", "libwebp.dll"}) {
            try {
                return new LibWebP(SymbolLookup.libraryLookup(name, Arena.global()), name);
            } catch (Throwable e) {
                if (why == null) why = name + " not found: " + e.getMessage();
            }
        }
        return new LibWebP(why + " (install the Debian package libwebp7)");
    }

    /** Lossy WebP of RGB (3 channels) or RGBA (4 channels) pixels at {@code quality} 1..100. */
    byte[] encode(byte[] px, int w, int h, int channels, int quality) throws IOException {
        return encode(px, w, h, channels, quality, false);
    }

    /**
     * WebP of RGB (3 channels) or RGBA (4 channels) pixels: lossy at {@code quality} 1..100, or with
     * {@code lossless} libwebp's lossless encoder (every visible pixel kept, quality not used).
     */
    byte[] encode(byte[] px, int w, int h, int channels, int quality, boolean lossless) throws IOException {
        if (!available) throw new IOException("cannot write WebP: " + description);
        long[] out = new long[1];
        try {
            long size;
            if (lossless) {
                MethodHandle mh = channels == 4 ? losslessRgba : losslessRgb;
                size = (long) mh.invokeExact(MemorySegment.ofArray(px), w, h, w * channels, MemorySegment.ofArray(out));
            } else {
                MethodHandle mh = channels == 4 ? encodeRgba : encodeRgb;
                size = (long) mh.invokeExact(MemorySegment.ofArray(px), w, h, w * channels, (float) quality, MemorySegment.ofArray(out));
            }
            if (size == 0 || out[0] == 0) throw new IOException("WebP encoding failed (" + w + "x" + h + ")");
            return MemorySegment.ofAddress(out[0]).reinterpret(size).toArray(JAVA_BYTE);
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            try {
                if (out[0] != 0) free.invokeExact(MemorySegment.ofAddress(out[0]));
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
