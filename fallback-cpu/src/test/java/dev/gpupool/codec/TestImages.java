package dev.gpupool.codec;

import dev.gpupool.image.PixelBuffer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Generates the test inputs: photo-like pixels, hand-built PNG files, JPEG marker surgery. */
final class TestImages {
    private TestImages() {
    }

    /** Smooth gradients + fine texture + noise + sharp-edged shapes, RGB. */
    static PixelBuffer photo(int w, int h, long seed) {
        Random rnd = new Random(seed);
        byte[] d = new byte[w * h * 3];
        double fx = 0.05 + rnd.nextDouble() * 0.2, fy = 0.05 + rnd.nextDouble() * 0.2, ph = rnd.nextDouble() * 6;
        int cx = w / 3 + rnd.nextInt(w / 3), cy = h / 3 + rnd.nextInt(h / 3), rad = h / 5;
        int rx0 = rnd.nextInt(w / 2), ry0 = rnd.nextInt(h / 2), rx1 = rx0 + w / 4, ry1 = ry0 + h / 4;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = (double) x / w, v = (double) y / h;
                double r = 40 + 150 * u + 30 * Math.sin(6 * v + ph);
                double g = 60 + 120 * v + 25 * Math.cos(5 * u - ph);
                double b = 90 + 80 * (1 - u) * v;
                double tex = 12 * Math.sin(x * fx + Math.sin(y * fy) * 3) * Math.cos(y * fy * 0.7);
                r += tex; g += tex * 0.8; b += tex * 0.6;
                int dx = x - cx, dy = y - cy;
                if (dx * dx + dy * dy < rad * rad) { r = r * 0.4 + 150; g *= 0.5; b = b * 0.3 + 20; }
                if (x >= rx0 && x < rx1 && y >= ry0 && y < ry1) { r = 235; g = 230; b = 40; }
                double n = rnd.nextGaussian() * 4;
                int o = (y * w + x) * 3;
                d[o] = clamp(r + n);
                d[o + 1] = clamp(g + n);
                d[o + 2] = clamp(b + n);
            }
        }
        return new PixelBuffer(w, h, 3, d);
    }

    static byte clamp(double v) {
        return (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
    }

    /** Peak signal-to-noise ratio in dB over all samples of two same-shaped buffers. */
    static double psnr(PixelBuffer a, PixelBuffer b) {
        if (a.width() != b.width() || a.height() != b.height() || a.channels() != b.channels()) {
            throw new AssertionError(a + " vs " + b);
        }
        double se = 0;
        byte[] x = a.data(), y = b.data();
        for (int i = 0; i < x.length; i++) {
            int e = (x[i] & 0xFF) - (y[i] & 0xFF);
            se += e * e;
        }
        double mse = se / x.length;
        return mse == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** Fills a w x h x ch buffer with one colour per quadrant (TL, TR, BL, BR), each {@code ch} samples. */
    static PixelBuffer quadrants(int w, int h, int[][] colours) {
        int ch = colours[0].length;
        byte[] d = new byte[w * h * ch];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int q = (y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1);
                for (int c = 0; c < ch; c++) d[(y * w + x) * ch + c] = (byte) colours[q][c];
            }
        }
        return new PixelBuffer(w, h, ch, d);
    }

    // ---- PNG files built by hand, for exact control of colour type, bit depth and chunks ----

    static byte[] chunk(String type, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, data.length);
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        writeInt(out, (int) crc.getValue());
        return out.toByteArray();
    }

    static byte[] ihdr(long w, long h, int bitDepth, int colourType) {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        writeInt(d, (int) w);
        writeInt(d, (int) h);
        d.write(bitDepth);
        d.write(colourType);
        d.write(0);
        d.write(0);
        d.write(0);
        return chunk("IHDR", d.toByteArray());
    }

    /**
     * A PNG: {@code rows[y]} are the packed samples of row y (without the filter byte);
     * {@code extra} chunks (already built) go between IHDR and IDAT.
     */
    static byte[] png(int w, int h, int bitDepth, int colourType, byte[][] rows, byte[]... extra) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (byte[] row : rows) {
            raw.write(0);
            raw.writeBytes(row);
        }
        Deflater def = new Deflater();
        def.setInput(raw.toByteArray());
        def.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!def.finished()) z.write(buf, 0, def.deflate(buf));
        def.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        out.writeBytes(ihdr(w, h, bitDepth, colourType));
        for (byte[] e : extra) out.writeBytes(e);
        out.writeBytes(chunk("IDAT", z.toByteArray()));
        out.writeBytes(chunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    /** Packs sample values of {@code bitDepth} bits (1, 2, 4, 8 or 16) MSB first into a row. */
    static byte[] pack(int[] samples, int bitDepth) {
        if (bitDepth == 16) {
            byte[] r = new byte[samples.length * 2];
            for (int i = 0; i < samples.length; i++) { r[2 * i] = (byte) (samples[i] >> 8); r[2 * i + 1] = (byte) samples[i]; }
            return r;
        }
        byte[] r = new byte[(samples.length * bitDepth + 7) / 8];
        for (int i = 0; i < samples.length; i++) {
            int bit = i * bitDepth;
            r[bit / 8] |= (byte) (samples[i] << (8 - bitDepth - bit % 8));
        }
        return r;
    }

    static void writeInt(ByteArrayOutputStream o, int v) {
        o.write(v >>> 24);
        o.write(v >>> 16);
        o.write(v >>> 8);
        o.write(v);
    }

    /** A TIFF structure (as in EXIF) whose IFD0 holds only Orientation = {@code o}. */
    static byte[] tiffOrientation(int o, boolean littleEndian) {
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        if (littleEndian) {
            t.writeBytes(new byte[]{'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) o, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        } else {
            t.writeBytes(new byte[]{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) o, 0, 0, 0, 0, 0, 0});
        }
        return t.toByteArray();
    }

    /** {@code jpeg} with a marker segment {@code marker} (e.g. 0xE1) holding {@code payload} inserted after SOI. */
    static byte[] insertSegment(byte[] jpeg, int marker, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.write(0xFF);
        out.write(marker);
        int len = payload.length + 2;
        out.write(len >> 8);
        out.write(len);
        out.writeBytes(payload);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    static byte[] withExifOrientation(byte[] jpeg, int o, boolean littleEndian) {
        byte[] tiff = tiffOrientation(o, littleEndian);
        byte[] p = new byte[6 + tiff.length];
        System.arraycopy("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, p, 0, 6);
        System.arraycopy(tiff, 0, p, 6, tiff.length);
        return insertSegment(jpeg, 0xE1, p);
    }

    /** {@code jpeg} with {@code icc} embedded as APP2 ICC_PROFILE segments (split in 60000-byte parts). */
    static byte[] withIcc(byte[] jpeg, byte[] icc) {
        int parts = (icc.length + 59999) / 60000;
        byte[] out = jpeg;
        for (int i = parts - 1; i >= 0; i--) { // inserted in reverse so they end up in order
            int from = i * 60000, to = Math.min(icc.length, from + 60000);
            byte[] p = new byte[14 + to - from];
            System.arraycopy("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1), 0, p, 0, 12);
            p[12] = (byte) (i + 1);
            p[13] = (byte) parts;
            System.arraycopy(icc, from, p, 14, to - from);
            out = insertSegment(out, 0xE2, p);
        }
        return out;
    }

    /** True when the JPEG has a start-of-frame marker {@code 0xFFCn}. */
    /** {@code px} as a progressive JPEG from ImageIO's writer (libjpeg's standard script, 4:2:0). */
    static byte[] imageIoProgressiveJpeg(PixelBuffer px) throws java.io.IOException {
        javax.imageio.ImageWriter w = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (javax.imageio.stream.MemoryCacheImageOutputStream out = new javax.imageio.stream.MemoryCacheImageOutputStream(bytes)) {
            w.setOutput(out);
            javax.imageio.ImageWriteParam p = w.getDefaultWriteParam();
            p.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
            w.write(null, new javax.imageio.IIOImage(dev.gpupool.image.BufferedImages.toImage(px), null, null), p);
        } finally {
            w.dispose();
        }
        return bytes.toByteArray();
    }

    static boolean hasMarker(byte[] jpeg, int marker) {
        for (int i = 0; i + 1 < jpeg.length; i++) if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) return true;
        return false;
    }
}
