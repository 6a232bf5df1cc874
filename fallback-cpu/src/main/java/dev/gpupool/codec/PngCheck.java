package dev.gpupool.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Walks a PNG's chunks before any pixel is decoded: reads the IHDR size (so an oversized image is
 * refused without allocating), and checks every chunk's CRC and that the file ends with IEND. The
 * JDK's PNG reader checks neither, so without this a corrupt or cut file could decode silently.
 */
final class PngCheck {
    private PngCheck() {
    }

    /** The IHDR size, {w, h}. Strict: a bad CRC, a cut chunk or a missing IEND fails; lenient: a warning. */
    static int[] check(byte[] b, boolean lenient, List<String> warnings) throws ImageDecodeException {
        if (b.length < 33 || !Metadata.startsWith(b, 12, 16, "IHDR")) throw new ImageDecodeException("corrupt PNG: no IHDR chunk");
        long w = Metadata.u32be(b, 16), h = Metadata.u32be(b, 20);
        if (w == 0 || h == 0 || w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
            throw new ImageDecodeException("corrupt PNG: invalid size " + w + "x" + h);
        }
        int[] size = {(int) w, (int) h};
        CRC32 crc = new CRC32();
        int p = 8;
        while (true) {
            if (p + 12 > b.length) {
                problem("truncated PNG: no IEND chunk (file ends after " + b.length + " bytes)", lenient, warnings);
                return size;
            }
            long len = Metadata.u32be(b, p);
            String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (len > Integer.MAX_VALUE || p + 12 + len > b.length) {
                problem("truncated PNG: chunk " + type + " at offset " + p + " declares " + len + " bytes, "
                        + Math.max(0, b.length - p - 12) + " are left", lenient, warnings);
                return size;
            }
            crc.reset();
            crc.update(b, p + 4, 4 + (int) len);
            if (crc.getValue() != Metadata.u32be(b, p + 8 + (int) len)) {
                problem("corrupt PNG: bad CRC in chunk " + type + " at offset " + p, lenient, warnings);
            }
            if (type.equals("IEND")) return size;
            p += 12 + (int) len;
        }
    }

    private static void problem(String msg, boolean lenient, List<String> warnings) throws ImageDecodeException {
        if (!lenient) throw new ImageDecodeException(msg);
        if (!warnings.contains(msg)) warnings.add(msg);
    }
}
