package dev.gpupool.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The metadata a thumbnail keeps from its source when asked ({@code --keep-metadata}, {@code --keep-icc}):
 * raw blocks as the source stored them, already made right for the thumbnail (the EXIF's orientation
 * reset and its embedded thumbnail dropped, see {@link ExifRewriter}). Written into the output by
 * {@link MetadataWriter}. Any of the blocks may be null.
 *
 * @param exif a TIFF structure ("II*\0" or "MM\0*"), without JPEG's "Exif\0\0" prefix
 * @param xmp  the XMP packet (UTF-8 XML)
 * @param iptc IPTC-IIM records (the data of Photoshop image resource 0x0404)
 * @param icc  an ICC profile the output's pixels are in (only when the pixels were not converted to sRGB)
 */
public record ImageMetadata(byte[] exif, byte[] xmp, byte[] iptc, byte[] icc) {
    /** Nothing kept: today's default, a stripped thumbnail. */
    public static final ImageMetadata NONE = new ImageMetadata(null, null, null, null);

    static final String XMP_JPEG = "http://ns.adobe.com/xap/1.0/\0";
    static final String XMP_PNG_KEYWORD = "XML:com.adobe.xmp";

    public boolean isEmpty() {
        return exif == null && xmp == null && iptc == null && icc == null;
    }

    ImageMetadata withIcc(byte[] profile) {
        return new ImageMetadata(exif, xmp, iptc, profile);
    }

    /**
     * {@code bytes} (a file of the given sniffed format) with these blocks written in; the bytes
     * themselves when there is nothing to write or the format carries none of it.
     *
     * @throws IllegalArgumentException for AVIF with something to write: libavif writes an AVIF's metadata
     *         as it encodes, see {@link Codecs#encode(dev.gpupool.image.PixelBuffer, EncodeOptions, ImageMetadata)}
     */
    public byte[] embedInto(byte[] bytes, OutputFormat format) {
        return isEmpty() ? bytes : MetadataWriter.embed(bytes, format, this);
    }

    /**
     * The EXIF, XMP and IPTC of a JPEG, PNG or WebP file (null blocks for the rest), the EXIF rewritten
     * by {@link ExifRewriter#upright} ({@code resetOrientation}: the pixels were turned upright, so the
     * orientation becomes 1). Malformed blocks are dropped with a line in {@code warnings}; never throws.
     */
    /**
     * The EXIF, XMP and IPTC of a JPEG that a device decoded (the CPU decode path reads them itself), with
     * the orientation reset to 1 when {@code resetOrientation}; what does not hold together is dropped with
     * a line in {@code warnings}.
     */
    public static ImageMetadata readJpeg(byte[] jpeg, boolean resetOrientation, List<String> warnings) {
        return read(jpeg, "jpeg", resetOrientation, warnings);
    }

    static ImageMetadata read(byte[] b, String format, boolean resetOrientation, List<String> warnings) {
        byte[][] blocks;
        try {
            blocks = switch (format) {
                case "jpeg" -> jpeg(b);
                case "png" -> png(b);
                case "webp" -> webp(b);
                default -> new byte[3][];
            };
        } catch (RuntimeException e) {
            warnings.add("metadata not kept: unreadable (" + e + ")");
            return NONE;
        }
        byte[] exif = blocks[0] == null ? null : ExifRewriter.upright(blocks[0], resetOrientation, warnings);
        return new ImageMetadata(exif, blocks[1], blocks[2], null);
    }

    /** {exif, xmp, iptc} from the JPEG's APP1 and APP13 segments (up to the first scan). */
    private static byte[][] jpeg(byte[] b) {
        byte[][] r = new byte[3][];
        Metadata.jpegSegments(b, (m, start, end) -> {
            if (m == 0xE1 && r[0] == null && Metadata.startsWith(b, start, end, "Exif\0\0")) {
                r[0] = Arrays.copyOfRange(b, start + 6, end);
            } else if (m == 0xE1 && r[1] == null && Metadata.startsWith(b, start, end, XMP_JPEG)) {
                r[1] = Arrays.copyOfRange(b, start + XMP_JPEG.length(), end);
            } else if (m == 0xED && r[2] == null && Metadata.startsWith(b, start, end, "Photoshop 3.0\0")) {
                r[2] = iptcResource(b, start + 14, end);
            }
            return true;
        });
        return r;
    }

    /** The data of the first 8BIM resource 0x0404 (IPTC-IIM) in {@code b[p, end)}, or null. */
    static byte[] iptcResource(byte[] b, int p, int end) {
        while (p + 12 <= end && Metadata.startsWith(b, p, end, "8BIM")) {
            int id = Metadata.u16be(b, p + 4);
            int nameLen = b[p + 6] & 0xFF;
            int q = p + 6 + ((nameLen + 2) & ~1); // Pascal string padded to an even length
            if (q + 4 > end) return null;
            long size = Metadata.u32be(b, q);
            int data = q + 4;
            if (data + size > end) return null;
            if (id == 0x0404) return size == 0 ? null : Arrays.copyOfRange(b, data, data + (int) size);
            p = data + (int) ((size + 1) & ~1L);
        }
        return null;
    }

    /** {exif, xmp, null} from the PNG's eXIf and iTXt XML:com.adobe.xmp chunks. */
    private static byte[][] png(byte[] b) {
        byte[][] r = new byte[3][];
        int p = 8;
        while (p + 12 <= b.length) {
            long len = Metadata.u32be(b, p);
            int data = p + 8;
            if (data + len > b.length) break;
            String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("IEND")) break;
            if (type.equals("eXIf") && r[0] == null) {
                r[0] = Arrays.copyOfRange(b, data, data + (int) len);
            } else if (type.equals("iTXt") && r[1] == null && Metadata.startsWith(b, data, data + (int) len, XMP_PNG_KEYWORD + "\0")) {
                r[1] = itxtText(b, data + XMP_PNG_KEYWORD.length() + 1, data + (int) len);
            }
            p = data + (int) len + 4;
        }
        return r;
    }

    /** The text of an iTXt chunk from its compression flag on: flag, method, language\0, translated keyword\0, text. */
    private static byte[] itxtText(byte[] b, int p, int end) {
        if (p + 2 > end) return null;
        boolean compressed = b[p] != 0;
        int q = p + 2;
        for (int zeros = 0; zeros < 2; q++) {
            if (q >= end) return null;
            if (b[q] == 0) zeros++;
        }
        if (!compressed) return Arrays.copyOfRange(b, q, end);
        return Metadata.inflate(b, q, end - q);
    }

    /** {exif, xmp, null} from the WebP's EXIF and "XMP " chunks. */
    private static byte[][] webp(byte[] b) {
        byte[][] r = new byte[3][];
        int p = 12;
        while (p + 8 <= b.length) {
            String type = new String(b, p, 4, StandardCharsets.ISO_8859_1);
            long len = Metadata.u32le(b, p + 4);
            int data = p + 8;
            if (data + len > b.length) break;
            int end = data + (int) len;
            if (type.equals("EXIF") && r[0] == null) {
                int s = Metadata.startsWith(b, data, end, "Exif\0\0") ? data + 6 : data;
                r[0] = Arrays.copyOfRange(b, s, end);
            } else if (type.equals("XMP ") && r[1] == null) {
                r[1] = Arrays.copyOfRange(b, data, end);
            }
            p = end + (int) (len & 1);
        }
        return r;
    }
}
