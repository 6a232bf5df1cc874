package dev.gpupool.codec;

import dev.gpupool.image.BufferedImages;
import dev.gpupool.image.PixelBuffer;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Decoding and encoding images. Thread-safe; every method may be called concurrently from any
 * number of threads.
 *
 * <p>Formats are recognised by content (magic bytes), never by file name: JPEG, PNG, GIF, BMP,
 * WebP and TIFF. JPEG is decoded by libjpeg-turbo through FFM, scaled in the DCT domain on load;
 * when {@code libturbojpeg} is missing, by ImageIO (TwelveMonkeys) at full size. The other formats
 * are decoded by ImageIO. {@link #describe()} says which is in use.
 */
public final class Codecs {
    private Codecs() {
    }

    /**
     * Decodes {@code bytes}.
     *
     * <p>The result's pixels are upright (EXIF orientation applied when {@code options.autoRotate()}),
     * sRGB (embedded ICC profiles converted - RGB ones left as stored with {@code options.keepIcc()},
     * the profile then in {@link Decoded#metadata()} - CMYK/YCCK converted to RGB), 8 bits per sample; grey
     * images give 1 channel (2 with alpha), colour images 3 (4 with alpha). A JPEG is decoded at the
     * smallest scale M/8 (M = 1..8) whose upright size is still at least {@code minWidth x minHeight}
     * (a 0 on either side asks for full size, as {@link DecodeOptions} says; other formats always
     * decode at full size).
     * {@code fullWidth/fullHeight} are the upright full size whatever the scale.
     *
     * @throws ImageDecodeException with a one-line reason: empty or unrecognised data, a header
     *         declaring more than {@code options.maxPixels()} pixels (refused before any pixel is
     *         decoded), or - unless {@code options.lenient()} - data that is truncated or corrupt
     *         (the decoder's message). Lenient decoding returns what decoded and lists what was
     *         tolerated in {@link Decoded#warnings()}; it still fails when nothing usable decodes.
     *         Metadata kept with {@code options.keepMetadata()} that does not hold together is dropped
     *         with a warning, never failing the image.
     */
    public static Decoded decode(byte[] bytes, DecodeOptions options) throws ImageDecodeException {
        if (bytes == null || bytes.length == 0) throw new ImageDecodeException("empty file");
        String format = sniff(bytes);
        if (format == null) {
            throw new ImageDecodeException("not a recognised image format (starts with " + hex(bytes) + ")");
        }
        List<String> warnings = new ArrayList<>(0);
        if (!options.keepMetadata() && !options.keepIcc()) return decodePixels(bytes, format, options, warnings);
        Decoded d = decodePixels(format.equals("webp") && options.keepIcc() ? MetadataWriter.withoutWebpIcc(bytes) : bytes, format, options, warnings);
        return withMetadata(d, bytes, format, options);
    }

    /**
     * {@code d} with the metadata {@code options} keep: the EXIF/XMP/IPTC when {@code keepMetadata}; with
     * {@code keepIcc}, the embedded profile when the pixels are still in it (an RGB profile on colour, a
     * grey one on grey; CMYK sources and TwelveMonkeys' JPEG reader convert to sRGB whatever is asked).
     */
    private static Decoded withMetadata(Decoded d, byte[] bytes, String format, DecodeOptions options) {
        List<String> warnings = new ArrayList<>(d.warnings());
        ImageMetadata m = options.keepMetadata()
                ? ImageMetadata.read(bytes, format, options.autoRotate(), warnings) : ImageMetadata.NONE;
        if (options.keepIcc()) {
            byte[] icc = switch (format) {
                case "jpeg" -> Metadata.jpeg(bytes).icc();
                case "png" -> Metadata.png(bytes).icc();
                case "webp" -> Metadata.webp(bytes).icc();
                default -> null;
            };
            String cs = ColorProfiles.colorSpace(icc);
            boolean colour = d.pixels().channels() >= 3;
            if (icc != null && format.equals("jpeg") && !TurboJpeg.INSTANCE.available) {
                warnings.add("ICC profile not kept: the ImageIO JPEG decoder converts to sRGB (install libturbojpeg0)");
            } else if (icc != null && (colour ? "RGB ".equals(cs) : "GRAY".equals(cs))) {
                m = m.withIcc(icc);
            } else if (icc != null) {
                warnings.add("ICC profile not kept: a " + (cs == null ? "unreadable" : cs.trim()) + " profile on "
                        + (colour ? "colour" : "grey") + " pixels (converted to sRGB)");
            }
        }
        return new Decoded(d.pixels(), d.fullWidth(), d.fullHeight(), d.format(), List.copyOf(warnings), m);
    }

    private static Decoded decodePixels(byte[] bytes, String format, DecodeOptions options, List<String> warnings)
            throws ImageDecodeException {
        try (MemoryBudget.Scope scope = MemoryBudget.enter()) {
            if (format.equals("jpeg") && TurboJpeg.INSTANCE.available) {
                return JpegCodec.decode(bytes, options, warnings);
            }
            Metadata meta = switch (format) {
                case "jpeg" -> Metadata.jpeg(bytes);
                case "png" -> Metadata.png(bytes);
                case "webp" -> Metadata.webp(bytes);
                case "tiff" -> Metadata.tiff(bytes);
                default -> Metadata.NONE;
            };
            if (format.equals("png")) {
                int[] size = PngCheck.check(bytes, options.lenient(), warnings);
                checkPixels(size[0], size[1], options);
            }
            return readImageIO(bytes, format, options, meta, warnings);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException("out of memory decoding " + format + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException("corrupt " + format + ": " + reason(e), e);
        }
    }

    /** "jpeg", "png", "gif", "bmp", "webp", "tiff" from the first bytes, or null. */
    static String sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) return "jpeg";
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && Metadata.startsWith(b, 1, 8, "PNG\r\n\u001a\n")) return "png";
        if (Metadata.startsWith(b, 0, b.length, "GIF87a") || Metadata.startsWith(b, 0, b.length, "GIF89a")) return "gif";
        if (b.length >= 12 && Metadata.startsWith(b, 0, 4, "RIFF") && Metadata.startsWith(b, 8, 12, "WEBP")) return "webp";
        if (b.length >= 4 && (Metadata.startsWith(b, 0, 4, "II*\0") || Metadata.startsWith(b, 0, 4, "MM\0*"))) return "tiff";
        if (isBmpHeader(b, b.length)) return "bmp";
        return null;
    }

    /**
     * True when {@code b[0..n)} starts like a BMP file, not merely with "BM" (a text file may): 'BM', a
     * file size field of 0 or at least the two headers, and an info header size of a known version
     * (12 OS/2 1.x, 16 or 64 OS/2 2.x, 40 BITMAPINFOHEADER, 52/56 its Adobe forms, 108 V4, 124 V5).
     * Needs 18 bytes.
     */
    public static boolean isBmpHeader(byte[] b, int n) {
        if (n < 18 || b[0] != 'B' || b[1] != 'M') return false;
        long fileSize = le32(b, 2), dib = le32(b, 14);
        boolean knownDib = dib == 12 || dib == 16 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124;
        return knownDib && (fileSize == 0 || fileSize >= 14 + dib);
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    static void checkPixels(long w, long h, DecodeOptions o) throws ImageDecodeException {
        if (w <= 0 || h <= 0) throw new ImageDecodeException("corrupt or truncated header: image size " + w + "x" + h);
        if (w * h > o.maxPixels()) {
            throw new ImageDecodeException("image is " + w + "x" + h + " = " + w * h
                    + " pixels, over the limit of " + o.maxPixels() + " (--max-pixels)");
        }
    }

    /** The ImageIO path: every format but JPEG-with-turbo. Full size; orientation and ICC applied here. */
    static Decoded readImageIO(byte[] bytes, String format, DecodeOptions options, Metadata meta, List<String> warnings)
            throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = reader(format);
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                checkPixels(w, h, options);
                long pixels = (long) w * h;
                // The reader's raster, its copy as 8-bit samples, and one more copy for an ICC
                // conversion or a rotation.
                int extraCopies = (format.equals("png") && meta.icc() != null ? 1 : 0)
                        + (options.autoRotate() && meta.orientation() != 1 ? 1 : 0);
                MemoryBudget.reserve(bytes.length + pixels * rasterBytesPerPixel(bytes, format) + pixels * 4 * (1 + extraCopies),
                        w + "x" + h + " " + format);
                BufferedImage img;
                if (options.lenient()) {
                    img = readLenient(reader, w, h, warnings);
                } else {
                    img = reader.read(0);
                }
                PixelBuffer px = toPixels(img);
                if (format.equals("png") && meta.icc() != null && img.getColorModel().getColorSpace().isCS_sRGB()
                        && !options.keepIcc()) {
                    // The JDK's PNG reader ignores iCCP. TwelveMonkeys' JPEG and TIFF readers apply
                    // embedded profiles themselves (converting again would apply it twice).
                    px = ColorProfiles.toSrgb(px, meta.icc(), warnings);
                }
                int orientation = options.autoRotate() ? meta.orientation() : 1;
                int fw = Orientation.transposes(orientation) ? h : w, fh = Orientation.transposes(orientation) ? w : h;
                return new Decoded(Orientation.apply(px, orientation), fw, fh, format, List.copyOf(warnings));
            } finally {
                reader.dispose();
            }
        }
    }

    /** Bytes per pixel of the raster ImageIO will allocate: exact for PNG (from IHDR), 4 for the rest. */
    static int rasterBytesPerPixel(byte[] b, String format) {
        if (!format.equals("png") || b.length < 26) return 4;
        int depth = b[24] & 0xFF, type = b[25] & 0xFF;
        int channels = switch (type) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            default -> 4;
        };
        return Math.max(1, channels * (depth + 7) / 8);
    }

    private static BufferedImage readLenient(ImageReader reader, int w, int h, List<String> warnings) throws IOException {
        BufferedImage dest = null;
        ImageReadParam param = reader.getDefaultReadParam();
        try {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            if (types.hasNext()) {
                dest = types.next().createBufferedImage(w, h);
                param.setDestination(dest);
            }
        } catch (IOException | RuntimeException e) {
            dest = null; // the reader cannot say its type up front: read without a destination
        }
        try {
            BufferedImage img = reader.read(0, dest == null ? null : param);
            return img;
        } catch (IOException | RuntimeException e) {
            if (dest == null) throw e;
            warnings.add("kept what decoded: " + reason(e));
            return dest;
        }
    }

    private static ImageReader reader(String format) throws ImageDecodeException {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format);
        ImageReader first = null;
        while (it.hasNext()) {
            ImageReader r = it.next();
            // For JPEG prefer TwelveMonkeys' reader: it reads CMYK/YCCK and applies ICC profiles.
            if (!format.equals("jpeg") || r.getClass().getName().startsWith("com.twelvemonkeys")) return r;
            if (first == null) first = r;
        }
        if (first == null) throw new ImageDecodeException("no decoder for " + format + " on this build");
        return first;
    }

    /**
     * 8-bit samples of {@code img}: grey stays grey (1 or 2 channels, samples copied as stored, as the
     * JDK's grey colour space would otherwise treat them as linear and brighten them); colour becomes
     * sRGB (3 or 4 channels).
     */
    static PixelBuffer toPixels(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        int w = img.getWidth(), h = img.getHeight();
        if (cm instanceof ComponentColorModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && cm.getNumColorComponents() == 1 && img.getType() != BufferedImage.TYPE_BYTE_GRAY) {
            int ch = cm.hasAlpha() ? 2 : 1;
            byte[] d = new byte[w * h * ch];
            Raster r = img.getRaster();
            int[] row = new int[w];
            for (int b = 0; b < ch; b++) {
                int max = (1 << cm.getComponentSize(b)) - 1;
                for (int y = 0; y < h; y++) {
                    r.getSamples(0, y, w, 1, b, row);
                    int o = y * w * ch + b;
                    for (int x = 0; x < w; x++, o += ch) d[o] = (byte) ((row[x] * 255L + max / 2) / max);
                }
            }
            return new PixelBuffer(w, h, ch, d);
        }
        if (cm instanceof IndexColorModel icm && greyPalette(icm)) {
            boolean alpha = icm.hasAlpha() || icm.getTransparentPixel() >= 0;
            int ch = alpha ? 2 : 1;
            byte[] d = new byte[w * h * ch];
            int[] row = new int[w];
            for (int y = 0, o = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    d[o++] = (byte) row[x];
                    if (alpha) d[o++] = (byte) (row[x] >>> 24);
                }
            }
            return new PixelBuffer(w, h, ch, d);
        }
        return BufferedImages.toPixels(img);
    }

    private static boolean greyPalette(IndexColorModel icm) {
        for (int i = 0; i < icm.getMapSize(); i++) {
            int g = icm.getGreen(i);
            if (icm.getRed(i) != g || icm.getBlue(i) != g) return false;
        }
        return true;
    }

    /**
     * Encodes {@code pixels} (8-bit sRGB, 1 to 4 channels) as a fresh file without metadata.
     *
     * <p>JPEG: libjpeg-turbo (ImageIO when missing) at {@code quality}, baseline or progressive, chroma
     * subsampled as {@code options.subsample()} for colour, grey stays a 1-component JPEG; alpha is flattened onto {@code options.background()}
     * (grey with alpha stays grey when the background is grey). PNG: ImageIO with fast deflate, alpha
     * and grey kept. WebP: libwebp's lossy encoder at {@code quality}, or its lossless one
     * with {@code options.lossless()}, alpha kept; fails with an
     * {@link IOException} naming the missing Debian package when libwebp is not installed. AVIF: libavif
     * (libaom) at {@code quality} mapped to its quantizer, chroma as {@code options.subsample()} (grey is
     * written as colour), alpha kept as an alpha plane, at {@code options.avifSpeed()}; an
     * {@link IOException} with the reason when libavif is missing, another version, or has no AV1 encoder.
     */
    public static byte[] encode(PixelBuffer pixels, EncodeOptions options) throws IOException {
        return switch (options.format()) {
            case JPEG -> JpegCodec.encode(pixels, options);
            case PNG -> encodePng(pixels);
            case WEBP -> encodeWebp(pixels, options);
            case AVIF -> encodeAvif(pixels, options, ImageMetadata.NONE);
        };
    }

    /**
     * {@link #encode(PixelBuffer, EncodeOptions)} with the source's kept {@code metadata} (from
     * {@link Decoded#metadata()}) written in. JPEG, PNG and WebP get it spliced into the encoded bytes by
     * {@link ImageMetadata#embedInto}; AVIF gets it from libavif's encoder itself (EXIF, XMP, and the ICC
     * profile when it is an RGB one, as AVIF is always written as colour; AVIF has no IPTC).
     */
    public static byte[] encode(PixelBuffer pixels, EncodeOptions options, ImageMetadata metadata) throws IOException {
        if (options.format() == OutputFormat.AVIF) return encodeAvif(pixels, options, metadata);
        return metadata.embedInto(encode(pixels, options), options.format());
    }

    private static byte[] encodePng(PixelBuffer pixels) throws IOException {
        BufferedImage img = BufferedImages.toImage(pixels);
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) throw new IOException("no PNG encoder on this build");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            if (p.canWriteCompressed()) {
                // The JDK's PNG writer maps quality q to deflate level 9 * (1 - q): 0.75 gives level 2,
                // much faster than its default (9) for thumbnail files only a few percent larger.
                p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(0.75f);
            }
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static byte[] encodeWebp(PixelBuffer px, EncodeOptions options) throws IOException {
        if (px.width() > 16383 || px.height() > 16383) {
            throw new IOException("WebP is limited to 16383x16383, the image is " + px.width() + "x" + px.height());
        }
        PixelBuffer rgb = switch (px.channels()) {
            case 1 -> expandGrey(px, false);
            case 2 -> expandGrey(px, true);
            default -> px;
        };
        return LibWebP.INSTANCE.encode(rgb.data(), rgb.width(), rgb.height(), rgb.channels(), options.quality(), options.lossless());
    }

    private static byte[] encodeAvif(PixelBuffer px, EncodeOptions options, ImageMetadata m) throws IOException {
        PixelBuffer rgb = switch (px.channels()) {
            case 1 -> expandGrey(px, false);
            case 2 -> expandGrey(px, true);
            default -> px;
        };
        int yuv = switch (options.subsample().at(options.quality())) {
            case S444 -> LibAvif.PIXEL_FORMAT_YUV444;
            case S422 -> LibAvif.PIXEL_FORMAT_YUV422;
            default -> LibAvif.PIXEL_FORMAT_YUV420;
        };
        byte[] icc = m.icc() != null && MetadataWriter.iccFits(m.icc(), false) ? m.icc() : null;
        return LibAvif.INSTANCE.encode(rgb.data(), rgb.width(), rgb.height(), rgb.channels(), options.quality(), yuv,
                options.avifSpeed(), m.exif(), m.xmp(), icc);
    }

    static PixelBuffer expandGrey(PixelBuffer px, boolean alpha) {
        int n = (int) px.pixels(), ch = alpha ? 4 : 3;
        byte[] s = px.data(), d = new byte[n * ch];
        for (int i = 0, o = 0; i < n; i++, o += ch) {
            byte g = s[i * px.channels()];
            d[o] = g; d[o + 1] = g; d[o + 2] = g;
            if (alpha) d[o + 3] = s[i * 2 + 1];
        }
        return new PixelBuffer(px.width(), px.height(), ch, d);
    }

    /**
     * The decoder {@link #decode} uses for {@code format} (detected from the content: {@code jpeg}, {@code png}, ...), as the report's
     * {@code ran} says: {@code libjpeg-turbo} for JPEG when libturbojpeg is in use, otherwise
     * {@code imageio}. A JPEG flavour libjpeg-turbo cannot read (lossless, 12-bit) still goes to ImageIO,
     * which only decoding it tells.
     */
    public static String decoderName(String format) {
        return "jpeg".equals(format) && TurboJpeg.INSTANCE.available ? "libjpeg-turbo" : "imageio";
    }

    /**
     * The encoder {@link #encode} uses for {@code format}, as the report's {@code ran} says:
     * {@code libjpeg-turbo} for JPEG ({@code imageio} when libturbojpeg is missing), {@code imageio}
     * for PNG, {@code libwebp} for WebP, {@code libavif} for AVIF.
     */
    public static String encoderName(OutputFormat format) {
        return switch (format) {
            case JPEG -> TurboJpeg.INSTANCE.available ? "libjpeg-turbo" : "imageio";
            case PNG -> "imageio";
            case WEBP -> "libwebp";
            case AVIF -> "libavif";
        };
    }

    /**
     * One line per codec saying what is in use and why, e.g.
     * {@code jpeg: libjpeg-turbo 2.1.5 via FFM (libturbojpeg.so.0, shrink-on-load)}.
     */
    public static List<String> describe() {
        TurboJpeg tj = TurboJpeg.INSTANCE;
        LibWebP webp = LibWebP.INSTANCE;
        LibAvif avif = LibAvif.INSTANCE;
        return List.of(
                tj.available ? "jpeg: " + tj.description()
                        : "jpeg: ImageIO (TwelveMonkeys), full-size decode only: " + tj.description()
                        + (tj.description().startsWith("disabled") ? "" : " (install the Debian package libturbojpeg0)"),
                "png: ImageIO (JDK) decode after a CRC/IEND check; encode ImageIO, deflate level 2",
                "gif, bmp, tiff: ImageIO (JDK/TwelveMonkeys) decode, first frame/page",
                "webp: decode ImageIO (TwelveMonkeys); encode " + (webp.available ? webp.description : "unavailable: " + webp.description),
                "avif: encode only, " + (avif.available ? avif.description : "unavailable: " + avif.description));
    }

    static String reason(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null && s.length() < 300; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (s.indexOf(m) >= 0) continue;
            if (!s.isEmpty()) s.append(": ");
            s.append(m);
        }
        return s.toString();
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) s.append(String.format(Locale.ROOT, "%02x", b[i] & 0xFF));
        return s.toString();
    }
}
