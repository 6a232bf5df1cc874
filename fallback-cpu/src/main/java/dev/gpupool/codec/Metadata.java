package dev.gpupool.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The little metadata the decoders need, read straight from the container without decoding pixels:
 * the EXIF orientation, the embedded ICC profile, and (JPEG) whether an Adobe APP14 marker is
 * present. Parsed by hand because it is a few dozen bytes at known places: pulling in a metadata
 * library would cost more start-up time (class loading) than the parse itself. Malformed metadata
 * is ignored (orientation 1, no profile): it never fails a decode.
 *
 * @param orientation EXIF orientation 1..8 (1 when absent or invalid)
 * @param icc         the embedded ICC profile, or null
 * @param adobe       a JPEG Adobe APP14 marker is present (CMYK samples are then stored inverted)
 */
record Metadata(int orientation, byte[] icc, boolean adobe) {
    static final Metadata NONE = new Metadata(1, null, false);

    /** One marker segment of a JPEG: its marker and where its payload starts and ends in the file. */
    @FunctionalInterface
    interface SegmentVisitor {
        /** Returns false to stop the walk. */
        boolean visit(int marker, int start, int end);
    }

    /**
     * Walks a JPEG's marker segments from after SOI up to the first scan (SOS) or EOI, skipping fill
     * bytes and standalone markers; stops at the first segment that does not hold together. The one
     * marker walker of the codecs (metadata, the frame header, the kept metadata).
     */
    static void jpegSegments(byte[] b, SegmentVisitor v) {
        int p = 2;
        while (p + 4 <= b.length) {
            if ((b[p] & 0xFF) != 0xFF) return;
            int m = b[p + 1] & 0xFF;
            if (m == 0xFF) { p++; continue; } // fill byte
            if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) { p += 2; continue; }
            if (m == 0xDA || m == 0xD9) return; // start of scan / end of image
            int len = u16be(b, p + 2);
            int start = p + 4, end = p + 2 + len;
            if (len < 2 || end > b.length) return;
            if (!v.visit(m, start, end)) return;
            p = end;
        }
    }

    /** Scans JPEG markers up to the first SOS. */
    static Metadata jpeg(byte[] b) {
        int[] orientation = {1};
        boolean[] adobe = {false};
        byte[][][] iccParts = {null};
        jpegSegments(b, (m, start, end) -> {
            if (m == 0xE1 && orientation[0] == 1 && startsWith(b, start, end, "Exif\0\0")) {
                orientation[0] = tiffOrientation(b, start + 6, end);
            } else if (m == 0xE2 && startsWith(b, start, end, "ICC_PROFILE\0") && end - start >= 14) {
                int seq = b[start + 12] & 0xFF, count = b[start + 13] & 0xFF;
                if (count > 0 && seq >= 1 && seq <= count) {
                    if (iccParts[0] == null || iccParts[0].length != count) iccParts[0] = new byte[count][];
                    iccParts[0][seq - 1] = java.util.Arrays.copyOfRange(b, start + 14, end);
                }
            } else if (m == 0xEE && startsWith(b, start, end, "Adobe")) {
                adobe[0] = true;
            }
            return true;
        });
        return new Metadata(orientation[0], join(iccParts[0]), adobe[0]);
    }

    /** Reads iCCP and eXIf from the PNG chunks (already CRC-checked or tolerated by the caller). */
    static Metadata png(byte[] b) {
        int orientation = 1;
        byte[] icc = null;
        int p = 8;
        while (p + 12 <= b.length) {
            int len = (int) Math.min(u32be(b, p), Integer.MAX_VALUE);
            int data = p + 8;
            if (len < 0 || data + (long) len > b.length) break;
            String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("IDAT") || type.equals("IEND")) {
                if (type.equals("IEND")) break;
            } else if (type.equals("iCCP")) {
                int z = data;
                while (z < data + len && b[z] != 0) z++;
                if (z + 2 <= data + len) icc = inflate(b, z + 2, data + len - z - 2);
            } else if (type.equals("eXIf")) {
                orientation = tiffOrientation(b, data, data + len);
            }
            p = data + len + 4;
        }
        return new Metadata(orientation, icc, false);
    }

    /** Reads the ICCP and EXIF chunks of a RIFF WebP file. */
    static Metadata webp(byte[] b) {
        int orientation = 1;
        byte[] icc = null;
        int p = 12;
        while (p + 8 <= b.length) {
            String type = new String(b, p, 4, StandardCharsets.ISO_8859_1);
            long len = u32le(b, p + 4);
            int data = p + 8;
            if (data + len > b.length) break;
            if (type.equals("ICCP")) icc = java.util.Arrays.copyOfRange(b, data, data + (int) len);
            else if (type.equals("EXIF")) {
                int s = data;
                if (startsWith(b, s, data + (int) len, "Exif\0\0")) s += 6;
                orientation = tiffOrientation(b, s, data + (int) len);
            }
            p = data + (int) len + (int) (len & 1);
        }
        return new Metadata(orientation, icc, false);
    }

    /** A TIFF file's own IFD0 Orientation tag (the ICC profile is left to the TIFF reader). */
    static Metadata tiff(byte[] b) {
        return new Metadata(tiffOrientation(b, 0, b.length), null, false);
    }

    /** The Orientation tag (0x0112) of IFD0 of the TIFF structure in {@code b[start, end)}; 1 when absent or invalid. */
    static int tiffOrientation(byte[] b, int start, int end) {
        if (end - start < 8) return 1;
        boolean le;
        if (b[start] == 'I' && b[start + 1] == 'I') le = true;
        else if (b[start] == 'M' && b[start + 1] == 'M') le = false;
        else return 1;
        if (u16(b, start + 2, le) != 42) return 1;
        long ifd = u32(b, start + 4, le);
        if (ifd < 8 || start + ifd + 2 > end) return 1;
        int q = (int) (start + ifd);
        int n = u16(b, q, le);
        for (int i = 0; i < n; i++) {
            int e = q + 2 + 12 * i;
            if (e + 12 > end) return 1;
            if (u16(b, e, le) == 0x0112) {
                int type = u16(b, e + 2, le);
                int v = type == 3 ? u16(b, e + 8, le) : type == 4 ? (int) u32(b, e + 8, le) : 1;
                return v >= 1 && v <= 8 ? v : 1;
            }
        }
        return 1;
    }

    private static byte[] join(byte[][] parts) {
        if (parts == null) return null;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            if (part == null) return null; // a missing chunk: the profile is unusable
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** zlib data at {@code b[off..off+len)}, or null when it is damaged or inflates past 16 MiB. */
    static byte[] inflate(byte[] b, int off, int len) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(b, off, len);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) return null;
                out.write(buf, 0, n);
                if (out.size() > 16 << 20) return null;
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            return null;
        } finally {
            inf.end();
        }
    }

    static boolean startsWith(byte[] b, int start, int end, String s) {
        if (end - start < s.length()) return false;
        for (int i = 0; i < s.length(); i++) if (b[start + i] != (byte) s.charAt(i)) return false;
        return true;
    }

    static int u16be(byte[] b, int p) {
        return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
    }

    static long u32be(byte[] b, int p) {
        return ((long) u16be(b, p) << 16) | u16be(b, p + 2);
    }

    static long u32le(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (long) (b[p + 3] & 0xFF) << 24;
    }

    private static int u16(byte[] b, int p, boolean le) {
        return le ? (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 : u16be(b, p);
    }

    private static long u32(byte[] b, int p, boolean le) {
        return le ? u32le(b, p) : u32be(b, p);
    }
}
