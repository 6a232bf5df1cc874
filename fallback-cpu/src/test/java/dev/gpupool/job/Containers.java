package dev.gpupool.job;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.InflaterInputStream;

/**
 * A reader of JPEG, PNG and WebP containers written for the tests, independent of the production
 * code: it finds the metadata blocks a viewer would find, and checks the container's own rules on
 * the way (PNG CRCs, RIFF sizes, VP8X flags and chunk order), failing with an AssertionError.
 */
final class Containers {
    private Containers() {
    }

    /** What a file carries. Null where absent. */
    record Found(byte[] exif, byte[] xmp, byte[] iptc, byte[] icc, List<String> order) {
    }

    static Found read(byte[] b) {
        if ((b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) return jpeg(b);
        if ((b[0] & 0xFF) == 0x89 && b[1] == 'P') return png(b);
        if (ascii(b, 0, 4).equals("RIFF")) return webp(b);
        throw new AssertionError("unknown container");
    }

    static String ascii(byte[] b, int p, int n) {
        return new String(b, p, Math.min(n, b.length - p), StandardCharsets.ISO_8859_1);
    }

    static int be16(byte[] b, int p) {
        return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
    }

    static int be32(byte[] b, int p) {
        return be16(b, p) << 16 | be16(b, p + 2);
    }

    static int le32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }

    static Found jpeg(byte[] b) {
        byte[] exif = null, xmp = null, iptc = null;
        List<String> order = new ArrayList<>();
        ByteArrayOutputStream icc = null;
        int iccNext = 1;
        int p = 2;
        while (true) {
            if ((b[p] & 0xFF) != 0xFF) throw new AssertionError("marker expected at " + p);
            int m = b[p + 1] & 0xFF;
            if (m == 0xDA) break;
            int len = be16(b, p + 2);
            int s = p + 4, e = p + 2 + len;
            String x = ascii(b, s, 30);
            if (m == 0xE0) order.add("APP0");
            if (m == 0xE1 && x.startsWith("Exif\0\0")) { exif = Arrays.copyOfRange(b, s + 6, e); order.add("EXIF"); }
            if (m == 0xE1 && x.startsWith("http://ns.adobe.com/xap/1.0/\0")) { xmp = Arrays.copyOfRange(b, s + 29, e); order.add("XMP"); }
            if (m == 0xE2 && x.startsWith("ICC_PROFILE\0")) {
                if (icc == null) icc = new ByteArrayOutputStream();
                if ((b[s + 12] & 0xFF) != iccNext++) throw new AssertionError("ICC chunks out of sequence");
                if (len - 16 > 65519) throw new AssertionError("ICC chunk too large");
                icc.write(b, s + 14, e - s - 14);
                order.add("ICC");
            }
            if (m == 0xED && x.startsWith("Photoshop 3.0\0")) {
                int q = s + 14;
                if (!ascii(b, q, 4).equals("8BIM") || be16(b, q + 4) != 0x0404) throw new AssertionError("not an IPTC resource");
                int nameLen = b[q + 6] & 0xFF;
                int z = q + 6 + ((nameLen + 2) & ~1);
                iptc = Arrays.copyOfRange(b, z + 4, z + 4 + be32(b, z));
                order.add("IPTC");
            }
            p = e;
        }
        return new Found(exif, xmp, iptc, icc == null ? null : icc.toByteArray(), order);
    }

    static Found png(byte[] b) {
        byte[] exif = null, xmp = null, icc = null;
        List<String> order = new ArrayList<>();
        int p = 8;
        while (p < b.length) {
            int len = be32(b, p);
            String type = ascii(b, p + 4, 4);
            CRC32 crc = new CRC32();
            crc.update(b, p + 4, 4 + len);
            if ((int) crc.getValue() != be32(b, p + 8 + len)) throw new AssertionError("bad CRC on " + type);
            byte[] d = Arrays.copyOfRange(b, p + 8, p + 8 + len);
            order.add(type);
            switch (type) {
                case "eXIf" -> exif = d;
                case "iCCP" -> {
                    int z = 0;
                    while (d[z] != 0) z++;
                    try (InflaterInputStream in = new InflaterInputStream(new java.io.ByteArrayInputStream(d, z + 2, d.length - z - 2))) {
                        icc = in.readAllBytes();
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                }
                case "iTXt" -> {
                    String kw = "XML:com.adobe.xmp\0";
                    if (ascii(d, 0, kw.length()).equals(kw)) {
                        if (d[kw.length()] != 0) throw new AssertionError("compressed XMP not expected");
                        int q = kw.length() + 2, zeros = 0;
                        while (zeros < 2) if (d[q++] == 0) zeros++;
                        xmp = Arrays.copyOfRange(d, q, d.length);
                    }
                }
                default -> { }
            }
            p += 12 + len;
            if (type.equals("IEND")) break;
        }
        if (!order.getFirst().equals("IHDR") || !order.getLast().equals("IEND")) throw new AssertionError("PNG chunk order " + order);
        for (String meta : List.of("iCCP", "eXIf")) {
            if (order.contains(meta) && order.indexOf(meta) > order.indexOf("IDAT")) throw new AssertionError(meta + " after IDAT");
        }
        return new Found(exif, xmp, null, icc, order);
    }

    static Found webp(byte[] b) {
        if (le32(b, 4) != b.length - 8 || !ascii(b, 8, 4).equals("WEBP")) throw new AssertionError("bad RIFF header");
        byte[] exif = null, xmp = null, icc = null;
        List<String> order = new ArrayList<>();
        int flags = -1;
        int p = 12;
        while (p < b.length) {
            String type = ascii(b, p, 4);
            int len = le32(b, p + 4);
            byte[] d = Arrays.copyOfRange(b, p + 8, p + 8 + len);
            order.add(type);
            switch (type) {
                case "VP8X" -> flags = d[0] & 0xFF;
                case "ICCP" -> icc = d;
                case "EXIF" -> exif = d;
                case "XMP " -> xmp = d;
                default -> { }
            }
            p += 8 + len + (len & 1);
        }
        if (p != b.length) throw new AssertionError("chunks overrun the file");
        if (exif != null || xmp != null || icc != null) {
            if (!order.getFirst().equals("VP8X")) throw new AssertionError("metadata without VP8X: " + order);
            if (((flags & 0x20) != 0) != (icc != null)) throw new AssertionError("ICC flag");
            if (((flags & 0x08) != 0) != (exif != null)) throw new AssertionError("EXIF flag");
            if (((flags & 0x04) != 0) != (xmp != null)) throw new AssertionError("XMP flag");
            int image = Math.max(order.indexOf("VP8 "), order.indexOf("VP8L"));
            if (icc != null && order.indexOf("ICCP") != 1) throw new AssertionError("ICCP must follow VP8X: " + order);
            if (exif != null && order.indexOf("EXIF") < image) throw new AssertionError("EXIF before the image: " + order);
            if (xmp != null && order.indexOf("XMP ") < image) throw new AssertionError("XMP before the image: " + order);
        }
        return new Found(exif, xmp, null, icc, order);
    }

    /** IFD0's Orientation (0 when absent) of a TIFF structure. */
    static int orientation(byte[] t) {
        return (int) ifd0Tag(t, 0x0112);
    }

    /** IFD0's next-IFD offset (non-zero: an IFD1, the embedded thumbnail, follows). */
    static long ifd1Offset(byte[] t) {
        int ifd0 = u32(t, 4);
        int n = u16(t, ifd0);
        return u32(t, ifd0 + 2 + 12 * n) & 0xFFFFFFFFL;
    }

    /** The value of a SHORT/LONG tag of IFD0, or -1. */
    static long ifd0Tag(byte[] t, int tag) {
        int ifd0 = u32(t, 4);
        int n = u16(t, ifd0);
        for (int i = 0; i < n; i++) {
            int e = ifd0 + 2 + 12 * i;
            if (u16(t, e) == tag) return u16(t, e + 2) == 3 ? u16(t, e + 8) : u32(t, e + 8) & 0xFFFFFFFFL;
        }
        return -1;
    }

    /** The ASCII value of a tag of the Exif sub-IFD (IFD0 tag 0x8769), or null. */
    static String exifIfdString(byte[] t, int tag) {
        long sub = ifd0Tag(t, 0x8769);
        if (sub < 0) return null;
        int n = u16(t, (int) sub);
        for (int i = 0; i < n; i++) {
            int e = (int) sub + 2 + 12 * i;
            if (u16(t, e) == tag) {
                int count = u32(t, e + 4);
                int off = count > 4 ? u32(t, e + 8) : e + 8;
                return ascii(t, off, count - 1);
            }
        }
        return null;
    }

    private static boolean le(byte[] t) {
        return t[0] == 'I';
    }

    static int u16(byte[] t, int p) {
        return le(t) ? (t[p] & 0xFF) | (t[p + 1] & 0xFF) << 8 : be16(t, p);
    }

    static int u32(byte[] t, int p) {
        return le(t) ? le32(t, p) : be32(t, p);
    }
}
