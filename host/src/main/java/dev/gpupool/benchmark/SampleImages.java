package dev.gpupool.benchmark;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Photo-like JPEGs of mixed sizes for a benchmark without inputs: smooth light gradients, hard-edged
 * shapes and sensor-like noise (so that they compress like photos, not like flat test cards), in the
 * shapes the issue names: a batch of small images, 1080p, 4K, 12 MP and 24 MP, landscape and portrait.
 */
public final class SampleImages {
    private SampleImages() {
    }

    /**
     * {width, height} of the default set (33 images, about 150 MP): 16 small ones (about 640x480), 8 x 1080p-class,
     * 4 x 4K, 3 x 12 MP (one portrait), 2 x 24 MP.
     */
    static final int[][] DEFAULT_SET = {
            {640, 480}, {480, 640}, {640, 480}, {640, 480}, {640, 427}, {427, 640}, {640, 480}, {800, 600},
            {640, 480}, {480, 640}, {640, 480}, {640, 480}, {640, 427}, {427, 640}, {640, 480}, {800, 600},
            {1920, 1080}, {1080, 1920}, {1920, 1080}, {1920, 1280}, {1920, 1080}, {1080, 1920}, {1920, 1080}, {1920, 1280},
            {3840, 2160}, {3840, 2160}, {3840, 2160}, {2160, 3840},
            {4000, 3000}, {3000, 4000}, {4000, 3000},
            {6000, 4000}, {6000, 4000}};

    /** Writes the default set into {@code dir} as JPEG quality 90 and returns the files. */
    public static List<Path> writeDefaultSet(Path dir) throws IOException {
        return write(dir, DEFAULT_SET);
    }

    /** Writes one JPEG per {width, height} into {@code dir}. */
    public static List<Path> write(Path dir, int[][] shapes) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            Path f = dir.resolve(String.format("sample-%02d-%dx%d.jpg", i, shapes[i][0], shapes[i][1]));
            writeJpeg(photo(shapes[i][0], shapes[i][1], 1000 + i), f, 0.9f);
            out.add(f);
        }
        return out;
    }

    /** A photo-like RGB image. */
    public static BufferedImage photo(int w, int h, long seed) {
        Random rnd = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        double fx = 1 + rnd.nextDouble() * 3, fy = 1 + rnd.nextDouble() * 2, phase = rnd.nextDouble() * 6.28;
        int shapes = 6 + rnd.nextInt(6);
        double[][] discs = new double[shapes][];
        for (int k = 0; k < shapes; k++) {
            discs[k] = new double[]{rnd.nextDouble() * w, rnd.nextDouble() * h, (0.05 + rnd.nextDouble() * 0.2) * Math.min(w, h),
                    rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)};
        }
        double[] colX = new double[w];
        for (int x = 0; x < w; x++) colX[x] = Math.sin(fx * 6.283 * x / w + phase);
        for (int y = 0; y < h; y++) {
            double v = (double) y / h, rowY = Math.cos(fy * 3.1416 * v);
            for (int x = 0; x < w; x++) {
                double u = (double) x / w;
                int r = (int) (120 + 90 * colX[x] * rowY), g = (int) (60 + 150 * (1 - v) * (0.6 + 0.4 * u)), b = (int) (90 + 120 * v * (1 - u));
                for (double[] d : discs) {
                    double dx = x - d[0], dy = y - d[1];
                    if (dx * dx + dy * dy < d[2] * d[2]) {
                        r = (r + 3 * (int) d[3]) / 4;
                        g = (g + 3 * (int) d[4]) / 4;
                        b = (b + 3 * (int) d[5]) / 4;
                    }
                }
                int noise = rnd.nextInt(13) - 6;
                px[y * w + x] = (clamp(r + noise) << 16) | (clamp(g + noise) << 8) | clamp(b + noise);
            }
        }
        return img;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }

    static void writeJpeg(BufferedImage img, Path f, float quality) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(f))) {
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            w.setOutput(out);
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
    }
}
