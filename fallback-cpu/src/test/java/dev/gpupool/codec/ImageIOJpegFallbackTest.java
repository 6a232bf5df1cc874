package dev.gpupool.codec;

import dev.gpupool.image.PixelBuffer;
import org.junit.jupiter.api.Test;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.util.ArrayList;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ImageIO (TwelveMonkeys) JPEG path used when libturbojpeg is missing: same contract, full size. */
class ImageIOJpegFallbackTest {
    static Decoded viaImageIO(byte[] j, DecodeOptions o) throws Exception {
        return Codecs.readImageIO(j, "jpeg", o, Metadata.jpeg(j), new ArrayList<>());
    }

    @Test
    void orientationIccAndStrictnessMatchTheTurboPath() throws Exception {
        PixelBuffer src = TestImages.quadrants(64, 32, new int[][]{{128, 128, 128}, {20, 250, 20}, {20, 20, 250}, {240, 240, 240}});
        byte[] plain = Codecs.encode(src, new EncodeOptions(OutputFormat.JPEG, 98, 0));
        byte[] j = TestImages.withExifOrientation(TestImages.withIcc(plain, ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData()), 6, true);
        Decoded io = viaImageIO(j, DecodeOptions.defaults());
        Decoded tj = Codecs.decode(j, DecodeOptions.defaults());
        assertEquals(32, io.pixels().width());
        assertEquals(64, io.pixels().height());
        assertEquals(32, io.fullWidth());
        // Linear 128 must become ~188 once, not be left at 128 nor converted twice (~225).
        int v = io.pixels().sample(28, 2, 0); // stored top-left lands top-right under orientation 6
        assertTrue(Math.abs(v - 188) <= 5, "ImageIO path gave " + v);
        assertTrue(TestImages.psnr(tj.pixels(), io.pixels()) > 30, "psnr " + TestImages.psnr(tj.pixels(), io.pixels()));
        byte[] cut = Arrays.copyOf(plain, plain.length / 2);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> {
            try {
                viaImageIO(cut, DecodeOptions.defaults());
            } catch (java.io.IOException x) {
                throw new ImageDecodeException(Codecs.reason(x), x);
            }
        });
        assertTrue(!e.getMessage().isBlank());
    }
}
