package dev.gpupool.codec;

import dev.gpupool.image.BufferedImages;
import dev.gpupool.image.PixelBuffer;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;

/** Decoding and encoding images. Thread-safe; every method may be called concurrently. */
public final class Codecs {
    private Codecs() {
    }

    /** One line per codec: what is in use and why. */
    public static List<String> describe() {
        return List.of("all formats: ImageIO");
    }

    /** Decodes {@code bytes}; fails with the decoder's reason when they are not a whole, readable image. */
    public static Decoded decode(byte[] bytes, DecodeOptions options) throws ImageDecodeException {
        if (bytes.length == 0) throw new ImageDecodeException("empty file");
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new ImageDecodeException("not a recognised image format");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if ((long) w * h > options.maxPixels()) {
                    throw new ImageDecodeException("image is " + w + "x" + h + " = " + (long) w * h
                            + " pixels, over the limit of " + options.maxPixels() + " (--max-pixels)");
                }
                BufferedImage img = reader.read(0);
                PixelBuffer px = BufferedImages.toPixels(img);
                return new Decoded(px, px.width(), px.height(), reader.getFormatName().toLowerCase(java.util.Locale.ROOT), List.of());
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException("cannot decode: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    /** Encodes {@code pixels}; alpha is flattened onto the background for formats without alpha. */
    public static byte[] encode(PixelBuffer pixels, EncodeOptions options) throws IOException {
        BufferedImage img = BufferedImages.toImage(pixels);
        String name = switch (options.format()) { case JPEG -> "jpeg"; case PNG -> "png"; case WEBP -> "webp"; };
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(name);
        if (!writers.hasNext()) throw new IOException("no encoder for " + name + " on this build");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            if (options.format() == OutputFormat.JPEG) {
                p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(options.quality() / 100f);
            }
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
