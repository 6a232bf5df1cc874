package dev.gpupool.image;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Grey images of any depth keep their values (Java 2D's linear grey must not be converted to sRGB on the way). */
class BufferedImagesTest {
    @Test
    void sixteenBitGreyKeepsItsValues() {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_USHORT_GRAY);
        short[] d = ((DataBufferUShort) img.getRaster().getDataBuffer()).getData();
        Arrays.fill(d, (short) 0x8080);
        d[0] = 0;
        d[1] = (short) 0xFFFF;
        PixelBuffer px = BufferedImages.toPixels(img);
        assertEquals(1, px.channels());
        assertEquals(0x80, px.sample(2, 1, 0), "0x8080 is 0x80 in 8 bits, not brightened to 0xbc");
        assertEquals(0, px.sample(0, 0, 0));
        assertEquals(0xFF, px.sample(1, 0, 0));
    }

    @Test
    void eightBitGreyIsCopiedAsIs() {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(1, 1, 0, 0x80);
        assertEquals(0x80, BufferedImages.toPixels(img).sample(1, 1, 0));
    }
}
