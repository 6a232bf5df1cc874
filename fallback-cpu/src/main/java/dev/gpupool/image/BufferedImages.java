package dev.gpupool.image;

import java.awt.Transparency;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;

/** Conversions between {@link BufferedImage} and {@link PixelBuffer}, without per-pixel calls where the layout allows. */
public final class BufferedImages {
    private BufferedImages() {
    }

    /** The pixels of {@code img} as 8-bit sRGB: grey stays 1 channel, alpha is kept (2 or 4 channels). */
    public static PixelBuffer toPixels(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        boolean alpha = img.getColorModel().getTransparency() != Transparency.OPAQUE;
        switch (img.getType()) {
            case BufferedImage.TYPE_BYTE_GRAY -> {
                return new PixelBuffer(w, h, 1, copyRows(img.getRaster(), w, h, 1));
            }
            case BufferedImage.TYPE_3BYTE_BGR -> {
                byte[] d = copyRows(img.getRaster(), w, h, 3);
                for (int i = 0; i < d.length; i += 3) { byte t = d[i]; d[i] = d[i + 2]; d[i + 2] = t; }
                return new PixelBuffer(w, h, 3, d);
            }
            case BufferedImage.TYPE_4BYTE_ABGR -> {
                byte[] s = copyRows(img.getRaster(), w, h, 4);
                for (int i = 0; i < s.length; i += 4) {
                    byte a = s[i], b = s[i + 1], g = s[i + 2], r = s[i + 3];
                    s[i] = r; s[i + 1] = g; s[i + 2] = b; s[i + 3] = a;
                }
                return new PixelBuffer(w, h, 4, s);
            }
            default -> { }
        }
        boolean grey = img.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
                && img.getColorModel().getNumColorComponents() == 1;
        int ch = grey ? (alpha ? 2 : 1) : (alpha ? 4 : 3);
        if (grey) return greySamples(img, w, h, ch);
        byte[] d = new byte[w * h * ch];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w); // converts any colour model to sRGB ARGB
            int o = y * w * ch;
            for (int x = 0; x < w; x++) {
                int p = row[x];
                switch (ch) {
                    case 1 -> d[o++] = (byte) (p >> 16);
                    case 2 -> { d[o++] = (byte) (p >> 16); d[o++] = (byte) (p >>> 24); }
                    case 3 -> { d[o++] = (byte) (p >> 16); d[o++] = (byte) (p >> 8); d[o++] = (byte) p; }
                    default -> { d[o++] = (byte) (p >> 16); d[o++] = (byte) (p >> 8); d[o++] = (byte) p; d[o++] = (byte) (p >>> 24); }
                }
            }
        }
        return new PixelBuffer(w, h, ch, d);
    }

    /**
     * Grey (and grey + alpha) of any depth, from the raster's samples scaled to 8 bits. Not through
     * {@code getRGB}: Java 2D's grey colour space is linear, so it would convert each value to sRGB
     * and brighten it (a 16-bit grey 0x8080 came out 0xbc), while image files store grey values as
     * they are meant to be shown, as the 8-bit grey path above already reads them.
     */
    private static PixelBuffer greySamples(BufferedImage img, int w, int h, int ch) {
        Raster r = img.getRaster();
        java.awt.image.ColorModel cm = img.getColorModel();
        byte[] d = new byte[w * h * ch];
        int[] row = new int[w];
        for (int c = 0; c < ch; c++) {
            long max = (1L << cm.getComponentSize(c)) - 1;
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, c, row);
                for (int x = 0; x < w; x++) d[(y * w + x) * ch + c] = (byte) ((row[x] * 255L + max / 2) / max);
            }
        }
        return new PixelBuffer(w, h, ch, d);
    }

    private static byte[] copyRows(Raster r, int w, int h, int ch) {
        if (r.getDataBuffer() instanceof DataBufferByte db && r.getSampleModelTranslateX() == 0
                && r.getSampleModelTranslateY() == 0 && db.getNumBanks() == 1 && db.getData().length == w * h * ch) {
            return db.getData().clone();
        }
        byte[] out = new byte[w * h * ch];
        r.getDataElements(0, 0, w, h, out);
        return out;
    }

    /** A {@link BufferedImage} holding a copy of {@code px}: TYPE_BYTE_GRAY, TYPE_3BYTE_BGR or TYPE_4BYTE_ABGR (grey+alpha becomes ABGR). */
    public static BufferedImage toImage(PixelBuffer px) {
        int w = px.width(), h = px.height();
        byte[] s = px.data();
        switch (px.channels()) {
            case 1 -> {
                BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
                System.arraycopy(s, 0, ((DataBufferByte) img.getRaster().getDataBuffer()).getData(), 0, s.length);
                return img;
            }
            case 3 -> {
                BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
                byte[] d = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                for (int i = 0; i < s.length; i += 3) { d[i] = s[i + 2]; d[i + 1] = s[i + 1]; d[i + 2] = s[i]; }
                return img;
            }
            default -> {
                BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_4BYTE_ABGR);
                byte[] d = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                int ch = px.channels();
                for (int i = 0, o = 0; i < s.length; i += ch, o += 4) {
                    if (ch == 2) { d[o] = s[i + 1]; d[o + 1] = s[i]; d[o + 2] = s[i]; d[o + 3] = s[i]; }
                    else { d[o] = s[i + 3]; d[o + 1] = s[i + 2]; d[o + 2] = s[i + 1]; d[o + 3] = s[i]; }
                }
                return img;
            }
        }
    }
}
