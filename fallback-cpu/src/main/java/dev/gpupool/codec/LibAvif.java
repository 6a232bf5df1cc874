package dev.gpupool.codec;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libavif's still-image encoder ({@code avifImageCreate}, {@code avifImageRGBToYUV},
 * {@code avifEncoderCreate}/{@code Write}/{@code Destroy}) through FFM.
 *
 * <p>The struct layouts below are those of libavif 0.11.1's {@code avif.h} (Debian 12's libavif15),
 * checked against the C compiler's {@code offsetof}/{@code sizeof}; {@link #load()} refuses any other
 * {@code avifVersion()}, as another version's structs may differ. It also refuses a libavif built
 * without an AV1 encoder ({@code avifCodecName(AUTO, CAN_ENCODE)} null; Debian's uses libaom).
 *
 * <p>Kept metadata goes in through libavif's own setters, which copy the bytes into the image and which
 * its encoder writes as the Exif item, the XMP ({@code application/rdf+xml}) item and a {@code colr}
 * {@code prof} box: {@code avifImageSetMetadataExif}, {@code avifImageSetMetadataXMP},
 * {@code avifImageSetProfileICC}. They return {@code void} in 0.11 and {@code avifResult} from 1.0 on
 * (they then allocate and can fail); binding a void function as one returning {@code int} would read
 * a stale register, so {@link #settersReturnResult(String)} picks the descriptor from
 * {@code avifVersion()}'s major number, and the result is checked only where there is one.
 */
final class LibAvif {
    /** The libavif versions whose struct layouts this class was written from. */
    static final String LAYOUT_VERSION = "0.11.1";

    static final int PIXEL_FORMAT_YUV444 = 1, PIXEL_FORMAT_YUV422 = 2, PIXEL_FORMAT_YUV420 = 3;
    private static final int RGB_FORMAT_RGB = 0, RGB_FORMAT_RGBA = 1;
    private static final int CODEC_CHOICE_AUTO = 0, CODEC_FLAG_CAN_ENCODE = 1 << 1;

    /** typedef struct avifRGBImage (0.11.1): 56 bytes on LP64. */
    static final StructLayout RGB_IMAGE = MemoryLayout.structLayout(
            JAVA_INT.withName("width"), JAVA_INT.withName("height"), JAVA_INT.withName("depth"),
            JAVA_INT.withName("format"), // avifRGBFormat
            JAVA_INT.withName("chromaUpsampling"), JAVA_INT.withName("chromaDownsampling"),
            JAVA_INT.withName("avoidLibYUV"), JAVA_INT.withName("ignoreAlpha"),
            JAVA_INT.withName("alphaPremultiplied"), JAVA_INT.withName("isFloat"),
            ADDRESS.withName("pixels"),
            JAVA_INT.withName("rowBytes"), MemoryLayout.paddingLayout(4));

    /** typedef struct avifEncoder (0.11.1): 344 bytes on LP64; libavif allocates it, gpupool only sets fields. */
    static final StructLayout ENCODER = MemoryLayout.structLayout(
            JAVA_INT.withName("codecChoice"), JAVA_INT.withName("maxThreads"), JAVA_INT.withName("speed"),
            JAVA_INT.withName("keyframeInterval"), JAVA_LONG.withName("timescale"),
            JAVA_INT.withName("minQuantizer"), JAVA_INT.withName("maxQuantizer"),
            JAVA_INT.withName("minQuantizerAlpha"), JAVA_INT.withName("maxQuantizerAlpha"),
            JAVA_INT.withName("tileRowsLog2"), JAVA_INT.withName("tileColsLog2"), JAVA_INT.withName("autoTiling"),
            MemoryLayout.paddingLayout(4),
            MemoryLayout.structLayout(JAVA_LONG.withName("colorOBUSize"), JAVA_LONG.withName("alphaOBUSize")).withName("ioStats"),
            MemoryLayout.structLayout(MemoryLayout.sequenceLayout(256, JAVA_BYTE).withName("error")).withName("diag"),
            ADDRESS.withName("data"), ADDRESS.withName("csOptions"));

    /** typedef struct avifRWData: uint8_t* data; size_t size. */
    static final StructLayout RW_DATA = MemoryLayout.structLayout(ADDRESS.withName("data"), JAVA_LONG.withName("size"));

    private static final long RGB_FORMAT = off(RGB_IMAGE, "format"), RGB_PIXELS = off(RGB_IMAGE, "pixels"),
            RGB_ROW_BYTES = off(RGB_IMAGE, "rowBytes");
    private static final long ENC_MAX_THREADS = off(ENCODER, "maxThreads"), ENC_SPEED = off(ENCODER, "speed"),
            ENC_MIN_Q = off(ENCODER, "minQuantizer"), ENC_MAX_Q = off(ENCODER, "maxQuantizer"),
            ENC_MIN_QA = off(ENCODER, "minQuantizerAlpha"), ENC_MAX_QA = off(ENCODER, "maxQuantizerAlpha"),
            ENC_DIAG = off(ENCODER, "diag");

    static final LibAvif INSTANCE = load();

    final boolean available;
    final String description;
    private final MethodHandle imageCreate, imageDestroy, rgbDefaults, rgbToYuv, encoderCreate, encoderWrite,
            encoderDestroy, rwDataFree, resultToString, setExif, setXmp, setIcc;
    /** The metadata setters return avifResult (libavif 1.x), not void (0.11). */
    private final boolean settersReturnResult;

    private LibAvif(String why) {
        available = false;
        description = why;
        settersReturnResult = false;
        imageCreate = imageDestroy = rgbDefaults = rgbToYuv = encoderCreate = encoderWrite = encoderDestroy = rwDataFree
                = resultToString = setExif = setXmp = setIcc = null;
    }

    private LibAvif(MethodHandle[] h, boolean settersReturnResult, String description) {
        available = true;
        this.description = description;
        this.settersReturnResult = settersReturnResult;
        imageCreate = h[0];
        imageDestroy = h[1];
        rgbDefaults = h[2];
        rgbToYuv = h[3];
        encoderCreate = h[4];
        encoderWrite = h[5];
        encoderDestroy = h[6];
        rwDataFree = h[7];
        resultToString = h[8];
        setExif = h[9];
        setXmp = h[10];
        setIcc = h[11];
    }

    /**
     * Whether libavif {@code version}'s {@code avifImageSetMetadataExif}/{@code XMP}/{@code avifImageSetProfileICC}
     * return {@code avifResult}: from 1.0.0 on; 0.x's return void.
     */
    static boolean settersReturnResult(String version) {
        int dot = version.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? version : version.substring(0, dot)) >= 1;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a libavif version: " + version);
        }
    }

    /** {@code (avifImage*, const uint8_t*, size_t)} returning avifResult or void, as {@link #settersReturnResult} says. */
    static FunctionDescriptor setterDescriptor(String version) {
        return settersReturnResult(version) ? FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG)
                : FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG);
    }

    private static long off(StructLayout s, String name) {
        return s.byteOffset(MemoryLayout.PathElement.groupElement(name));
    }

    private static LibAvif load() {
        String why = null;
        for (String name : new String[]{"libavif.so.15", "libavif.so", "libavif.15.dylib", "avif.dll"}) {
            SymbolLookup lib;
            try {
                lib = SymbolLookup.libraryLookup(name, Arena.global());
            } catch (Throwable e) {
                if (why == null) why = name + " not found: " + e.getMessage();
                continue;
            }
            try {
                return bind(lib, name);
            } catch (Throwable e) {
                return new LibAvif(name + " unusable: " + e);
            }
        }
        return new LibAvif(why + " (install the Debian package libavif15)");
    }

    private static LibAvif bind(SymbolLookup lib, String name) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle version = linker.downcallHandle(lib.find("avifVersion").orElseThrow(), FunctionDescriptor.of(ADDRESS));
        String v = string((MemorySegment) version.invokeExact());
        if (!v.equals(LAYOUT_VERSION)) {
            return new LibAvif("libavif " + v + " (" + name + ") is not supported: gpupool's struct layouts are those of libavif "
                    + LAYOUT_VERSION + " (Debian 12's libavif15)");
        }
        MethodHandle codecName = linker.downcallHandle(lib.find("avifCodecName").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT));
        MemorySegment codec = (MemorySegment) codecName.invokeExact(CODEC_CHOICE_AUTO, CODEC_FLAG_CAN_ENCODE);
        if (codec.address() == 0) {
            return new LibAvif("libavif " + v + " (" + name + ") has no AV1 encoder (it needs libaom, rav1e or SVT-AV1)");
        }
        MethodHandle[] h = {
                linker.downcallHandle(lib.find("avifImageCreate").orElseThrow(),
                        FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT)),
                linker.downcallHandle(lib.find("avifImageDestroy").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS)),
                linker.downcallHandle(lib.find("avifRGBImageSetDefaults").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS, ADDRESS)),
                linker.downcallHandle(lib.find("avifImageRGBToYUV").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
                linker.downcallHandle(lib.find("avifEncoderCreate").orElseThrow(), FunctionDescriptor.of(ADDRESS)),
                linker.downcallHandle(lib.find("avifEncoderWrite").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS)),
                linker.downcallHandle(lib.find("avifEncoderDestroy").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS)),
                linker.downcallHandle(lib.find("avifRWDataFree").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS)),
                linker.downcallHandle(lib.find("avifResultToString").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT)),
                linker.downcallHandle(lib.find("avifImageSetMetadataExif").orElseThrow(), setterDescriptor(v)),
                linker.downcallHandle(lib.find("avifImageSetMetadataXMP").orElseThrow(), setterDescriptor(v)),
                linker.downcallHandle(lib.find("avifImageSetProfileICC").orElseThrow(), setterDescriptor(v)),
        };
        return new LibAvif(h, settersReturnResult(v), "libavif " + v + " via FFM (" + name + ", AV1 encoder " + string(codec) + ")");
    }

    private static String string(MemorySegment cString) {
        return cString.address() == 0 ? "?" : cString.reinterpret(4096).getString(0);
    }

    /** libavif's quantizer 0 (best) .. 63 (worst) for gpupool's quality 1..100: round((100 - q) * 63 / 100). */
    static int quantizer(int quality) {
        return Math.round((100 - quality) * 63 / 100f);
    }

    /**
     * 8-bit AVIF of RGB (3 channels) or RGBA (4 channels, an alpha plane kept) pixels, YUV
     * {@code yuvFormat} ({@link #PIXEL_FORMAT_YUV420}, {@link #PIXEL_FORMAT_YUV422} or {@link #PIXEL_FORMAT_YUV444}), colour and
     * alpha at {@link #quantizer(int) quantizer(quality)}, the AV1 encoder at {@code speed} 0..10, one thread;
     * with {@code exif} (a TIFF structure, "II*\0" or "MM\0*" first, as libavif requires), {@code xmp} and
     * {@code icc} written in, each when not null.
     */
    byte[] encode(byte[] px, int w, int h, int channels, int quality, int yuvFormat, int speed,
                  byte[] exif, byte[] xmp, byte[] icc) throws IOException {
        if (!available) throw new IOException("cannot write AVIF: " + description);
        if (channels != 3 && channels != 4) throw new IllegalArgumentException("AVIF needs 3 or 4 channels, not " + channels);
        MemorySegment image = MemorySegment.NULL, encoder = MemorySegment.NULL;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rw = arena.allocate(RW_DATA); // zeroed: AVIF_DATA_EMPTY
            try {
                image = (MemorySegment) imageCreate.invokeExact(w, h, 8, yuvFormat);
                if (image.address() == 0) throw new IOException("avifImageCreate failed (" + w + "x" + h + ")");
                MemorySegment rgb = arena.allocate(RGB_IMAGE);
                set(setExif, "avifImageSetMetadataExif", image, exif, arena);
                set(setXmp, "avifImageSetMetadataXMP", image, xmp, arena);
                set(setIcc, "avifImageSetProfileICC", image, icc, arena);
                rgbDefaults.invokeExact(rgb, image);
                MemorySegment pixels = arena.allocate(px.length);
                MemorySegment.copy(px, 0, pixels, JAVA_BYTE, 0, px.length);
                rgb.set(JAVA_INT, RGB_FORMAT, channels == 4 ? RGB_FORMAT_RGBA : RGB_FORMAT_RGB);
                rgb.set(ADDRESS, RGB_PIXELS, pixels);
                rgb.set(JAVA_INT, RGB_ROW_BYTES, w * channels);
                check((int) rgbToYuv.invokeExact(image, rgb), "avifImageRGBToYUV", MemorySegment.NULL);

                encoder = (MemorySegment) encoderCreate.invokeExact();
                if (encoder.address() == 0) throw new IOException("avifEncoderCreate failed");
                MemorySegment enc = encoder.reinterpret(ENCODER.byteSize());
                int q = quantizer(quality);
                enc.set(JAVA_INT, ENC_MAX_THREADS, 1); // gpupool already encodes one image per worker thread
                enc.set(JAVA_INT, ENC_SPEED, speed);
                enc.set(JAVA_INT, ENC_MIN_Q, q);
                enc.set(JAVA_INT, ENC_MAX_Q, q);
                enc.set(JAVA_INT, ENC_MIN_QA, q);
                enc.set(JAVA_INT, ENC_MAX_QA, q);
                check((int) encoderWrite.invokeExact(encoder, image, rw), "avifEncoderWrite", enc);
                long size = rw.get(JAVA_LONG, 8);
                MemorySegment data = rw.get(ADDRESS, 0);
                if (size == 0 || data.address() == 0) throw new IOException("AVIF encoding gave no data (" + w + "x" + h + ")");
                return data.reinterpret(size).toArray(JAVA_BYTE);
            } finally {
                rwDataFree.invokeExact(rw);
                if (encoder.address() != 0) encoderDestroy.invokeExact(encoder);
                if (image.address() != 0) imageDestroy.invokeExact(image);
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies {@code data} into {@code image} through one of the metadata setters; nothing when null. */
    private void set(MethodHandle setter, String what, MemorySegment image, byte[] data, Arena arena) throws Throwable {
        if (data == null || data.length == 0) return;
        MemorySegment d = arena.allocateFrom(JAVA_BYTE, data);
        if (settersReturnResult) {
            check((int) setter.invokeExact(image, d, (long) data.length), what, MemorySegment.NULL);
        } else {
            setter.invokeExact(image, d, (long) data.length);
        }
    }

    private void check(int result, String what, MemorySegment encoder) throws Throwable {
        if (result == 0) return;
        String detail = "";
        if (encoder.address() != 0) {
            String diag = encoder.asSlice(ENC_DIAG, 256).getString(0);
            if (!diag.isEmpty()) detail = ": " + diag;
        }
        throw new IOException(what + " failed: " + string((MemorySegment) resultToString.invokeExact(result)) + detail);
    }
}
