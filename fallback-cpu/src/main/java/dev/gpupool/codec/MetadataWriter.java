package dev.gpupool.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes {@link ImageMetadata} into freshly encoded files, on the encoded bytes (so no encoder has to
 * know about metadata):
 * <ul>
 * <li>JPEG: after SOI and the JFIF APP0, APP1 "Exif\0\0", APP1 XMP, APP2 ICC_PROFILE (chunks of at
 *     most 65519 bytes, numbered), APP13 "Photoshop 3.0" with one 8BIM 0x0404 IPTC resource.</li>
 * <li>PNG: after IHDR, iCCP (zlib), eXIf, iTXt "XML:com.adobe.xmp" (uncompressed); an iCCP replaces
 *     any sRGB/gAMA/cHRM chunk, which would contradict it. PNG has no standard IPTC chunk: IPTC is not
 *     written.</li>
 * <li>WebP: the simple file libwebp writes (VP8 or VP8L, or VP8X+ALPH+VP8) rewrapped as the extended
 *     format: VP8X (flags, canvas size), ICCP, ALPH, VP8/VP8L, EXIF, "XMP ", as the container
 *     specification orders them. IPTC is not written (WebP has no chunk for it).</li>
 * <li>AVIF: not here; libavif's encoder writes it ({@link Codecs#encode(dev.gpupool.image.PixelBuffer, EncodeOptions, ImageMetadata)}).</li>
 * </ul>
 * An ICC profile is written only where it fits the output's colour model (an RGB profile on colour, a
 * grey one on grey); a block too large for its container (EXIF or XMP over one JPEG segment) is left out.
 */
final class MetadataWriter {
    private MetadataWriter() {
    }

    static final int ICC_CHUNK = 65519; // 65535 - 2 (length) - 12 ("ICC_PROFILE\0") - 2 (sequence, count)

    static byte[] embed(byte[] bytes, OutputFormat format, ImageMetadata m) {
        return switch (format) {
            case JPEG -> jpeg(bytes, m);
            case PNG -> png(bytes, m);
            case WEBP -> webp(bytes, m);
            // An AVIF's metadata are items its encoder lays out (iinf/iloc/iref): libavif writes them.
            case AVIF -> throw new IllegalArgumentException(
                    "AVIF metadata is written by the encoder: use Codecs.encode(pixels, options, metadata)");
        };
    }

    static boolean iccFits(byte[] icc, boolean grey) {
        String cs = ColorProfiles.colorSpace(icc);
        return grey ? "GRAY".equals(cs) : "RGB ".equals(cs);
    }

    // ---- JPEG

    static byte[] jpeg(byte[] b, ImageMetadata m) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) return b;
        int p = 2;
        // Past the JFIF (and JFXX) APP0 segments the encoder wrote: JFIF must come first.
        while (p + 4 <= b.length && (b[p] & 0xFF) == 0xFF && (b[p + 1] & 0xFF) == 0xE0) p += 2 + Metadata.u16be(b, p + 2);
        if (p > b.length) return b;
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 1024);
        out.write(b, 0, p);
        if (m.exif() != null) segment(out, 0xE1, "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), m.exif());
        if (m.xmp() != null) segment(out, 0xE1, ImageMetadata.XMP_JPEG.getBytes(StandardCharsets.ISO_8859_1), m.xmp());
        if (m.icc() != null && iccFits(m.icc(), jpegComponents(b) == 1)) {
            byte[] icc = m.icc();
            int count = (icc.length + ICC_CHUNK - 1) / ICC_CHUNK;
            if (count <= 255) {
                for (int i = 0; i < count; i++) {
                    int from = i * ICC_CHUNK, len = Math.min(ICC_CHUNK, icc.length - from);
                    byte[] head = ("ICC_PROFILE\0" + (char) (i + 1) + (char) count).getBytes(StandardCharsets.ISO_8859_1);
                    byte[] part = new byte[len];
                    System.arraycopy(icc, from, part, 0, len);
                    segment(out, 0xE2, head, part);
                }
            }
        }
        if (m.iptc() != null) {
            ByteArrayOutputStream irb = new ByteArrayOutputStream();
            irb.writeBytes("Photoshop 3.0\0".getBytes(StandardCharsets.ISO_8859_1));
            irb.writeBytes("8BIM".getBytes(StandardCharsets.ISO_8859_1));
            irb.write(0x04); irb.write(0x04);
            irb.write(0); irb.write(0); // empty name, padded to even
            int n = m.iptc().length;
            irb.write(n >>> 24); irb.write(n >>> 16); irb.write(n >>> 8); irb.write(n);
            irb.writeBytes(m.iptc());
            if ((n & 1) != 0) irb.write(0);
            segment(out, 0xED, new byte[0], irb.toByteArray());
        }
        out.write(b, p, b.length - p);
        return out.toByteArray();
    }

    /** Writes one marker segment; leaves it out when it would not fit in 65535 bytes. */
    private static void segment(ByteArrayOutputStream out, int marker, byte[] head, byte[] data) {
        int len = 2 + head.length + data.length;
        if (len > 0xFFFF) return;
        out.write(0xFF);
        out.write(marker);
        out.write(len >> 8);
        out.write(len);
        out.writeBytes(head);
        out.writeBytes(data);
    }

    /** Number of components in the JPEG's frame header (3 when it cannot be found). */
    static int jpegComponents(byte[] b) {
        int p = 2;
        while (p + 10 <= b.length && (b[p] & 0xFF) == 0xFF) {
            int mk = b[p + 1] & 0xFF;
            if (mk >= 0xC0 && mk <= 0xCF && mk != 0xC4 && mk != 0xC8 && mk != 0xCC) return b[p + 9] & 0xFF;
            if (mk == 0xDA) break;
            p += 2 + Metadata.u16be(b, p + 2);
        }
        return 3;
    }

    // ---- PNG

    static byte[] png(byte[] b, ImageMetadata m) {
        if (b.length < 33 || !Metadata.startsWith(b, 12, 16, "IHDR")) return b;
        int colorType = b[25] & 0xFF;
        boolean grey = colorType == 0 || colorType == 4;
        boolean icc = m.icc() != null && iccFits(m.icc(), grey);
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 1024);
        out.write(b, 0, 33); // signature + IHDR
        if (icc) {
            ByteArrayOutputStream d = new ByteArrayOutputStream();
            d.writeBytes("icc\0\0".getBytes(StandardCharsets.ISO_8859_1)); // name, compression method 0
            d.writeBytes(deflate(m.icc()));
            chunk(out, "iCCP", d.toByteArray());
        }
        if (m.exif() != null) chunk(out, "eXIf", m.exif());
        if (m.xmp() != null) {
            ByteArrayOutputStream d = new ByteArrayOutputStream();
            // keyword\0, not compressed, method 0, no language\0, no translated keyword\0, the text
            d.writeBytes((ImageMetadata.XMP_PNG_KEYWORD + "\0\0\0\0\0").getBytes(StandardCharsets.ISO_8859_1));
            d.writeBytes(m.xmp());
            chunk(out, "iTXt", d.toByteArray());
        }
        int p = 33;
        while (p + 12 <= b.length) {
            int len = (int) Metadata.u32be(b, p);
            String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
            int next = p + 12 + len;
            if (len < 0 || next > b.length) { out.write(b, p, b.length - p); return out.toByteArray(); }
            boolean drop = (icc && (type.equals("sRGB") || type.equals("gAMA") || type.equals("cHRM") || type.equals("iCCP")))
                    || (m.exif() != null && type.equals("eXIf"));
            if (!drop) out.write(b, p, next - p);
            p = next;
        }
        out.write(b, p, b.length - p);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        int n = data.length;
        out.write(n >>> 24); out.write(n >>> 16); out.write(n >>> 8); out.write(n);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        long c = crc.getValue();
        out.write((int) (c >>> 24)); out.write((int) (c >>> 16)); out.write((int) (c >>> 8)); out.write((int) c);
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
            byte[] buf = new byte[8192];
            while (!d.finished()) out.write(buf, 0, d.deflate(buf));
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    // ---- WebP

    static final int VP8X_ICC = 0x20, VP8X_ALPHA = 0x10, VP8X_EXIF = 0x08, VP8X_XMP = 0x04;

    static byte[] webp(byte[] b, ImageMetadata m) {
        if (b.length < 20 || !Metadata.startsWith(b, 0, 4, "RIFF") || !Metadata.startsWith(b, 8, 12, "WEBP")) return b;
        byte[] vp8x = null, alph = null, image = null;
        String imageType = null;
        int p = 12;
        while (p + 8 <= b.length) {
            String type = new String(b, p, 4, StandardCharsets.ISO_8859_1);
            long len = Metadata.u32le(b, p + 4);
            int data = p + 8;
            if (data + len > b.length) return b;
            byte[] d = java.util.Arrays.copyOfRange(b, data, data + (int) len);
            switch (type) {
                case "VP8X" -> vp8x = d;
                case "ALPH" -> alph = d;
                case "VP8 ", "VP8L" -> { image = d; imageType = type; }
                case "ANIM", "ANMF" -> { return b; } // animation: never written by gpupool, left alone
                default -> { }
            }
            p = data + (int) len + (int) (len & 1);
        }
        if (image == null) return b;
        int w, h;
        boolean alpha = alph != null;
        if (vp8x != null && vp8x.length >= 10) {
            w = 1 + u24le(vp8x, 4);
            h = 1 + u24le(vp8x, 7);
            alpha |= (vp8x[0] & VP8X_ALPHA) != 0;
        } else if (imageType.equals("VP8L")) {
            if (image.length < 5 || (image[0] & 0xFF) != 0x2F) return b;
            long bits = Metadata.u32le(image, 1);
            w = 1 + (int) (bits & 0x3FFF);
            h = 1 + (int) (bits >>> 14 & 0x3FFF);
            alpha |= (bits >>> 28 & 1) != 0;
        } else {
            if (image.length < 10) return b;
            w = ((image[6] & 0xFF) | (image[7] & 0xFF) << 8) & 0x3FFF;
            h = ((image[8] & 0xFF) | (image[9] & 0xFF) << 8) & 0x3FFF;
        }
        boolean icc = m.icc() != null && iccFits(m.icc(), false);
        int flags = (icc ? VP8X_ICC : 0) | (alpha ? VP8X_ALPHA : 0) | (m.exif() != null ? VP8X_EXIF : 0) | (m.xmp() != null ? VP8X_XMP : 0);
        byte[] x = new byte[10];
        x[0] = (byte) flags;
        putU24le(x, 4, w - 1);
        putU24le(x, 7, h - 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 1024);
        out.writeBytes("RIFF\0\0\0\0WEBP".getBytes(StandardCharsets.ISO_8859_1));
        riff(out, "VP8X", x);
        if (icc) riff(out, "ICCP", m.icc());
        if (alph != null) riff(out, "ALPH", alph);
        riff(out, imageType, image);
        if (m.exif() != null) riff(out, "EXIF", m.exif());
        if (m.xmp() != null) riff(out, "XMP ", m.xmp());
        byte[] r = out.toByteArray();
        int size = r.length - 8;
        r[4] = (byte) size; r[5] = (byte) (size >>> 8); r[6] = (byte) (size >>> 16); r[7] = (byte) (size >>> 24);
        return r;
    }

    private static void riff(ByteArrayOutputStream out, String type, byte[] data) {
        int n = data.length;
        out.writeBytes(type.getBytes(StandardCharsets.ISO_8859_1));
        out.write(n); out.write(n >>> 8); out.write(n >>> 16); out.write(n >>> 24);
        out.writeBytes(data);
        if ((n & 1) != 0) out.write(0);
    }

    private static int u24le(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16;
    }

    private static void putU24le(byte[] b, int p, int v) {
        b[p] = (byte) v; b[p + 1] = (byte) (v >>> 8); b[p + 2] = (byte) (v >>> 16);
    }

    /**
     * The WebP file without its ICCP chunk (and the VP8X ICC flag cleared), so that a reader that would
     * convert the pixels through the profile (TwelveMonkeys' does) hands them over as stored.
     */
    static byte[] withoutWebpIcc(byte[] b) {
        if (b.length < 20 || !Metadata.startsWith(b, 12, 16, "VP8X")) return b;
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
        out.write(b, 0, 12);
        int p = 12;
        while (p + 8 <= b.length) {
            long len = Metadata.u32le(b, p + 4);
            int next = p + 8 + (int) len + (int) (len & 1);
            if (p + 8 + len > b.length) { out.write(b, p, b.length - p); p = b.length; break; }
            if (!Metadata.startsWith(b, p, p + 4, "ICCP")) out.write(b, p, Math.min(next, b.length) - p);
            p = next;
        }
        if (p < b.length) out.write(b, p, b.length - p);
        byte[] r = out.toByteArray();
        r[20] &= (byte) ~VP8X_ICC;
        int size = r.length - 8;
        r[4] = (byte) size; r[5] = (byte) (size >>> 8); r[6] = (byte) (size >>> 16); r[7] = (byte) (size >>> 24);
        return r;
    }
}
