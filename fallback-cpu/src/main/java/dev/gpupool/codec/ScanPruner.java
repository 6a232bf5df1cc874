package dev.gpupool.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * Leaves out of a progressive JPEG the scans that a decode at 1/8 scale never reads, so
 * libjpeg-turbo entropy-decodes a fraction of the file (a quarter to a tenth on real photos) and
 * still produces the very same pixels.
 *
 * <p>Why the pixels do not change. At 1/8 scale libjpeg-turbo reduces each block of a component
 * sampled at the image's full resolution to its DC coefficient (its 1x1 inverse DCT reads nothing
 * else), so that component's AC coefficients are never used. Subsampled components (the chroma of
 * 4:2:0) may be decoded with a larger inverse DCT in place of upsampling and need theirs. A
 * progressive JPEG sends every AC coefficient in scans of one component each, so the AC scans of
 * full-resolution components can be dropped whole; every other scan and segment is kept as it is.
 *
 * <p>One decoder behaviour has to be switched off. Where AC coefficients have not arrived,
 * libjpeg-turbo "smooths" blocks, and where none at all arrived (2.1 and later) it re-estimates DC
 * from the neighbours, which would blur the result. It smooths only when every component's
 * quantisation table has non-zero entries in its first AC positions, so the pruned stream sets the
 * first AC entry of one table that only full-resolution components use to 0: the coefficients that
 * entry scales are all absent or unused. A complete stream is never smoothed, so both decodes
 * match exactly ({@code ScanPrunerTest} checks it on every sampling and on real photos).
 *
 * <p>What is given up: corrupt entropy data inside a dropped scan goes unnoticed, since it is not
 * read. It could not have changed the pixels either: progressive scans are coded independently.
 */
final class ScanPruner {
    private ScanPruner() {
    }

    /**
     * The stream without the scans a 1/8-scale decode does not read, or null when nothing can be
     * left out: not a progressive Huffman JPEG, no droppable scan, no quantisation table used only by
     * full-resolution components, or a stream that does not parse to its end (truncated, say), which
     * the caller then decodes as it is, so the decoder reports the problem.
     */
    static byte[] forEighthScale(byte[] b) {
        if (b.length < 4 || u16(b, 0) != 0xFFD8) return null;
        List<int[]> drops = new ArrayList<>(); // [from, to) of each scan left out, in stream order
        List<int[]> dqts = new ArrayList<>();  // {offset of a table's entry 1 (zigzag order), table id, bytes per entry}
        int[] compId = null, compTable = null;
        boolean[] full = null; // per component: sampled at the image's full resolution
        int p = 2;
        boolean eoi = false;
        while (p + 2 <= b.length) {
            if ((b[p] & 0xFF) != 0xFF) return null;
            int m = b[p + 1] & 0xFF;
            if (m == 0xFF) { p++; continue; }
            if (m == 0xD9) { eoi = true; p += 2; break; }
            if (p + 4 > b.length) return null;
            int end = p + 2 + u16(b, p + 2);
            if (end > b.length || end < p + 4) return null;
            if (m == 0xC2) {
                if (end < p + 10) return null;
                int n = b[p + 9] & 0xFF;
                if (compId != null || n == 0 || p + 10 + 3 * n > end) return null;
                compId = new int[n]; compTable = new int[n]; full = new boolean[n];
                int maxH = 0, maxV = 0;
                for (int c = 0; c < n; c++) {
                    int s = b[p + 11 + 3 * c] & 0xFF;
                    maxH = Math.max(maxH, s >> 4); maxV = Math.max(maxV, s & 15);
                }
                for (int c = 0; c < n; c++) {
                    int o = p + 10 + 3 * c, s = b[o + 1] & 0xFF;
                    compId[c] = b[o] & 0xFF;
                    compTable[c] = b[o + 2] & 0xFF;
                    full[c] = s >> 4 == maxH && (s & 15) == maxV;
                }
            } else if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                return null; // baseline, extended, lossless or arithmetic: nothing to leave out
            } else if (m == 0xDB) {
                for (int o = p + 4; o < end; ) {
                    int size = (b[o] & 0xFF) >> 4 == 0 ? 1 : 2;
                    if (o + 1 + 64 * size > end) return null;
                    dqts.add(new int[]{o + 1 + size, b[o] & 15, size});
                    o += 1 + 64 * size;
                }
            } else if (m == 0xDA) {
                if (compId == null || end < p + 6) return null;
                int ns = b[p + 4] & 0xFF;
                if (p + 8 + 2 * ns > end) return null;
                int ss = b[p + 5 + 2 * ns] & 0xFF;
                int scanEnd = entropyEnd(b, end);
                if (scanEnd < 0) return null;
                int c = ns == 1 ? indexOf(compId, b[p + 5] & 0xFF) : -1;
                if (ss > 0 && c >= 0 && full[c]) drops.add(new int[]{p, scanEnd});
                p = scanEnd;
                continue;
            }
            p = end;
        }
        if (!eoi || drops.isEmpty()) return null;
        int table = tableOnlyFullResolutionUses(compTable, full);
        if (table < 0) return null;
        // Everything up to the end of EOI but the dropped scans.
        int removed = 0;
        for (int[] d : drops) removed += d[1] - d[0];
        byte[] out = new byte[p - removed];
        int from = 0, o = 0;
        for (int[] d : drops) {
            System.arraycopy(b, from, out, o, d[0] - from);
            o += d[0] - from;
            from = d[1];
        }
        System.arraycopy(b, from, out, o, p - from);
        // Every definition of the chosen table gets a zero first AC entry (a table is latched when
        // its component's first scan starts, so any of them may be the one in use). DQT segments are
        // never dropped: an entry moves back by the bytes dropped before it.
        for (int[] q : dqts) {
            if (q[1] != table) continue;
            int at = q[0];
            for (int[] d : drops) if (d[1] <= q[0]) at -= d[1] - d[0];
            out[at] = 0;
            if (q[2] == 2) out[at + 1] = 0;
        }
        return out;
    }

    /** A quantisation table that components at full resolution use and no other does, or -1. */
    private static int tableOnlyFullResolutionUses(int[] compTable, boolean[] full) {
        for (int c = 0; c < compTable.length; c++) {
            if (!full[c]) continue;
            boolean shared = false;
            for (int d = 0; d < compTable.length; d++) shared |= !full[d] && compTable[d] == compTable[c];
            if (!shared) return compTable[c];
        }
        return -1;
    }

    /**
     * The offset of the marker that ends the entropy-coded data starting at {@code p}, or -1 when
     * the data runs to the end of the array. Inside the data, 0xFF is followed by a stuffed 0x00, a
     * restart marker or more 0xFF fill bytes.
     */
    private static int entropyEnd(byte[] b, int p) {
        int last = b.length - 1;
        while (p < last) {
            if (b[p] != (byte) 0xFF) { p++; continue; }
            int n = b[p + 1] & 0xFF;
            if (n == 0 || (n >= 0xD0 && n <= 0xD7)) p += 2;
            else if (n == 0xFF) p++;
            else return p;
        }
        return -1;
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        return -1;
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }
}
