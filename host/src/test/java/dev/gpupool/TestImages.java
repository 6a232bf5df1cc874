package dev.gpupool;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Photo-like generated images for tests: smooth gradients, a few hard edges, some noise. */
public final class TestImages {
    private TestImages() {
    }

    public static BufferedImage photo(int w, int h, long seed) {
        Random rnd = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        double fx = 1 + rnd.nextDouble() * 3, fy = 1 + rnd.nextDouble() * 3;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = (double) x / w, v = (double) y / h;
                int r = (int) (127 + 100 * Math.sin(fx * 6.28 * u) * Math.cos(fy * 3.14 * v)) + rnd.nextInt(9) - 4;
                int g = (int) (255 * u * 0.8 + 20) + rnd.nextInt(9) - 4;
                int b = (x / 37 + y / 29) % 2 == 0 ? 200 : 60;
                img.setRGB(x, y, (clamp(r) << 16) | (clamp(g) << 8) | clamp(b));
            }
        }
        return img;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** Writes a photo-like image in {@code format} (an ImageIO format name) to {@code file}, creating directories. */
    public static Path write(Path file, int w, int h, String format) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(photo(w, h, file.hashCode()), format, file.toFile())) throw new IOException("no writer for " + format);
        return file;
    }

    /** {@code jpeg} with an EXIF APP1 after SOI (little-endian TIFF, one IFD0 entry: Orientation = {@code orientation}). */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) orientation, 0, 0, 0, 0, 0, 0, 0};
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int len = 2 + 6 + tiff.length;
        out.writeBytes(new byte[]{(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len, 'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
