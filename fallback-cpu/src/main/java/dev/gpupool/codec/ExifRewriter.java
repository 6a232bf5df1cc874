package dev.gpupool.codec;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes a source's EXIF right for its thumbnail by editing the TIFF structure in place: the
 * Orientation tag (0x0112) of IFD0 becomes 1 (the thumbnail's pixels are already upright), and IFD1
 * (the embedded preview thumbnail) is unlinked by setting IFD0's next-IFD offset to 0. When IFD1 lies
 * after everything IFD0, the Exif, GPS and Interoperability IFDs point at (the usual layout), the bytes
 * from there on are cut off too, so the old preview does not ride along as dead weight.
 *
 * <p>Every offset is checked against the block's length while walking; a block that does not hold
 * together is dropped with a warning rather than written half-right, and never fails the image.
 */
final class ExifRewriter {
    private ExifRewriter() {
    }

    private static final int TAG_ORIENTATION = 0x0112, TAG_EXIF_IFD = 0x8769, TAG_GPS_IFD = 0x8825, TAG_INTEROP_IFD = 0xA005;

    /** Thrown inside the walk for a block that does not hold together. */
    private static final class Malformed extends Exception {
        Malformed(String m) {
            super(m, null, false, false);
        }
    }

    /**
     * The rewritten copy of {@code tiff}; null (and a line in {@code warnings}) when it is malformed.
     *
     * @param resetOrientation set the orientation to 1 (false when the pixels were left as stored)
     */
    static byte[] upright(byte[] tiff, boolean resetOrientation, List<String> warnings) {
        try {
            return rewrite(tiff, resetOrientation);
        } catch (Malformed | RuntimeException e) {
            warnings.add("EXIF not kept: malformed (" + e.getMessage() + ")");
            return null;
        }
    }

    private static byte[] rewrite(byte[] src, boolean resetOrientation) throws Malformed {
        if (src.length < 8) throw new Malformed("shorter than a TIFF header");
        byte[] b = src.clone();
        boolean le;
        if (b[0] == 'I' && b[1] == 'I') le = true;
        else if (b[0] == 'M' && b[1] == 'M') le = false;
        else throw new Malformed("no TIFF byte order mark");
        Walk w = new Walk(b, le);
        if (w.u16(2) != 42) throw new Malformed("not a TIFF header");
        long ifd0 = w.u32(4);
        int nextPos = w.ifd(ifd0, 0, resetOrientation);
        long ifd1 = w.u32(nextPos);
        w.put32(nextPos, 0);
        if (ifd1 != 0 && ifd1 >= w.end && w.end < b.length) b = Arrays.copyOf(b, (int) w.end);
        return b;
    }

    private static final class Walk {
        final byte[] b;
        final boolean le;
        long end = 8; // the end of the furthest structure or value met so far
        final Set<Long> seen = new HashSet<>();

        Walk(byte[] b, boolean le) {
            this.b = b;
            this.le = le;
        }

        /** Walks the IFD at {@code off}; returns the position of its next-IFD offset. */
        int ifd(long off, int depth, boolean resetOrientation) throws Malformed {
            if (depth > 3 || !seen.add(off)) throw new Malformed("IFD loop");
            if (off < 8 || off + 2 > b.length) throw new Malformed("IFD offset " + off + " outside the block");
            int p = (int) off, n = u16(p);
            long next = off + 2 + 12L * n;
            if (next + 4 > b.length) throw new Malformed("IFD of " + n + " entries runs past the block");
            end = Math.max(end, next + 4);
            for (int i = 0; i < n; i++) {
                int e = p + 2 + 12 * i;
                int tag = u16(e), type = u16(e + 2);
                long count = u32(e + 4);
                int unit = switch (type) {
                    case 1, 2, 6, 7 -> 1;
                    case 3, 8 -> 2;
                    case 4, 9, 11, 13 -> 4;
                    case 5, 10, 12 -> 8;
                    default -> 0; // unknown type: its size is unknown, its value left alone
                };
                long size = unit * count;
                if (size > 4) {
                    long v = u32(e + 8);
                    if (v + size > b.length) throw new Malformed("tag 0x" + Integer.toHexString(tag) + " value outside the block");
                    end = Math.max(end, v + size);
                }
                if (depth == 0 && tag == TAG_ORIENTATION && resetOrientation) {
                    if (type == 3 && count == 1) put16(e + 8, 1);
                    else if (type == 4 && count == 1) put32(e + 8, 1);
                    else throw new Malformed("orientation of type " + type + " x" + count);
                } else if ((depth == 0 && (tag == TAG_EXIF_IFD || tag == TAG_GPS_IFD)) || (tag == TAG_INTEROP_IFD && depth == 1)) {
                    if ((type == 4 || type == 13) && count == 1) ifd(u32(e + 8), depth + 1, false);
                }
            }
            return (int) next;
        }

        int u16(int p) {
            return le ? (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 : Metadata.u16be(b, p);
        }

        long u32(int p) {
            return le ? Metadata.u32le(b, p) : Metadata.u32be(b, p);
        }

        long u32(long p) {
            return u32((int) p);
        }

        void put16(int p, int v) {
            b[p + (le ? 0 : 1)] = (byte) v;
            b[p + (le ? 1 : 0)] = (byte) (v >> 8);
        }

        void put32(int p, long v) {
            for (int i = 0; i < 4; i++) b[p + (le ? i : 3 - i)] = (byte) (v >> (8 * i));
        }
    }
}
