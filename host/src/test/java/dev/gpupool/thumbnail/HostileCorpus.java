package dev.gpupool.thumbnail;

import dev.gpupool.TestImages;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Broken and hostile image files, generated (never downloaded): every kind of damage a batch
 * thumbnailer meets. {@link #write} returns, per file name, a fragment its failure reason must
 * contain. {@code main(dir)} writes the corpus for manual runs.
 */
public final class HostileCorpus {
    private HostileCorpus() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Map<String, String> expect = write(dir);
        System.out.println(expect.size() + " hostile files in " + dir);
    }

    /** A valid baseline JPEG of a photo-like image. */
    public static byte[] jpeg(int w, int h, long seed) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(TestImages.photo(w, h, seed), "jpeg", b);
        return b.toByteArray();
    }

    /** A valid RGB PNG. */
    public static byte[] png(int w, int h, long seed) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(TestImages.photo(w, h, seed), "png", b);
        return b.toByteArray();
    }

    /** The hostile files, written into {@code dir}; name -> a fragment of the reason each must fail with. */
    public static Map<String, String> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> expect = new LinkedHashMap<>();
        Random rnd = new Random(7);
        byte[] jpg = jpeg(640, 480, 1);
        byte[] png = png(320, 240, 2);

        put(dir, expect, "empty.jpg", new byte[0], "empty");
        put(dir, expect, "cut-after-soi.jpg", Arrays.copyOf(jpg, 2), "");
        put(dir, expect, "cut-in-header.jpg", Arrays.copyOf(jpg, 120), "");
        put(dir, expect, "cut-in-scan.jpg", Arrays.copyOf(jpg, jpg.length / 2), "");
        put(dir, expect, "cut-before-eoi.jpg", Arrays.copyOf(jpg, jpg.length - 2), "");
        byte[] noise = new byte[4096];
        rnd.nextBytes(noise);
        noise[0] = 0x12; // never starts like an image by accident
        put(dir, expect, "random.jpg", noise, "not a recognised image");
        put(dir, expect, "random.png", noise, "not a recognised image");
        // Valid markers, garbage entropy-coded data.
        byte[] scanGarbage = jpg.clone();
        int sos = indexOf(scanGarbage, new byte[]{(byte) 0xFF, (byte) 0xDA});
        for (int i = sos + 20; i < scanGarbage.length - 2; i++) scanGarbage[i] = (byte) (rnd.nextInt(0xFF)); // no 0xFF: no markers
        put(dir, expect, "garbage-scan.jpg", scanGarbage, "");
        // The SOF claims 65000x65000 (4.2 gigapixels): refused from the header.
        byte[] giant = jpg.clone();
        int sof = indexOf(giant, new byte[]{(byte) 0xFF, (byte) 0xC0});
        giant[sof + 5] = (byte) (65000 >> 8); giant[sof + 6] = (byte) 65000;
        giant[sof + 7] = (byte) (65000 >> 8); giant[sof + 8] = (byte) 65000;
        put(dir, expect, "giant-header.jpg", giant, "max-pixels");

        put(dir, expect, "cut-png.png", Arrays.copyOf(png, png.length / 2), "truncated PNG");
        byte[] badCrc = png.clone();
        badCrc[29] ^= 0x55; // the IHDR CRC
        put(dir, expect, "bad-crc.png", badCrc, "bad CRC");
        // Correct chunk CRCs, garbage zlib data inside IDAT.
        byte[] idatNoise = new byte[2000];
        rnd.nextBytes(idatNoise);
        put(dir, expect, "corrupt-zlib.png", pngFile(320, 240, 8, 2, idatNoise), "");
        // 100000 x 100000 = 10 gigapixels declared: refused from the header, before any allocation.
        put(dir, expect, "bomb-10gp.png", pngFile(100_000, 100_000, 8, 2, deflate(new byte[1 << 16])), "max-pixels");
        // Under --max-pixels but 10000x10000 RGB: 300 MB of pixels from 300 KB of zlib. Decoded in full
        // it does not fit a 256 MB heap; the decoded-bytes budget must refuse it (or it decodes, given room).
        put(dir, expect, "bomb-100mp.png", zeroPng(10_000, 10_000), null);

        put(dir, expect, "zero-size.png", pngFile(0, 10, 8, 2, deflate(new byte[16])), "invalid size");
        byte[] gif = "GIF89a\u0010\u0000\u0010\u0000".getBytes(StandardCharsets.ISO_8859_1);
        put(dir, expect, "cut.gif", gif, "");
        byte[] bmp = new byte[64];
        bmp[0] = 'B'; bmp[1] = 'M';
        ByteBuffer.wrap(bmp, 18, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(50_000).putInt(50_000);
        put(dir, expect, "huge.bmp", bmp, "");
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0, 1, 4, 0, 1, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 0, 0};
        put(dir, expect, "broken.tif", tiff, "");
        byte[] webp = "RIFF\u0040\u0000\u0000\u0000WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
        put(dir, expect, "cut.webp", webp, "");
        return expect;
    }

    private static void put(Path dir, Map<String, String> expect, String name, byte[] data, String reason) throws IOException {
        Files.write(dir.resolve(name), data);
        expect.put(name, reason);
    }

    static int indexOf(byte[] a, byte[] b) {
        outer:
        for (int i = 0; i + b.length <= a.length; i++) {
            for (int j = 0; j < b.length; j++) if (a[i + j] != b[j]) continue outer;
            return i;
        }
        throw new IllegalStateException("marker not found");
    }

    /** A PNG with a valid signature, IHDR, one IDAT holding {@code idat}, IEND; every CRC right. */
    static byte[] pngFile(int w, int h, int depth, int colourType, byte[] idat) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) depth).put((byte) colourType)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(b, "IHDR", ihdr.array());
        chunk(b, "IDAT", idat);
        chunk(b, "IEND", new byte[0]);
        return b.toByteArray();
    }

    /** A w x h RGB PNG of black pixels, compressed row by row (so it is made fast and small). */
    static byte[] zeroPng(int w, int h) {
        Deflater d = new Deflater(Deflater.BEST_SPEED);
        byte[] row = new byte[1 + w * 3];
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (int y = 0; y < h; y++) {
            d.setInput(row);
            while (!d.needsInput()) z.write(buf, 0, d.deflate(buf));
        }
        d.finish();
        while (!d.finished()) z.write(buf, 0, d.deflate(buf));
        d.end();
        return pngFile(w, h, 8, 2, z.toByteArray());
    }

    static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater();
        d.setInput(raw);
        d.finish();
        byte[] buf = new byte[raw.length + 64];
        int n = d.deflate(buf);
        d.end();
        return Arrays.copyOf(buf, n);
    }

    private static void chunk(ByteArrayOutputStream b, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        b.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        b.writeBytes(t);
        b.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        b.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Names of the files {@link #write} makes. */
    static List<String> names(Map<String, String> expect) {
        return new ArrayList<>(expect.keySet());
    }
}
