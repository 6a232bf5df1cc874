package dev.gpupool.job;

import dev.gpupool.codec.Codecs;
import dev.gpupool.codec.EncodeOptions;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.codec.Subsample;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
import dev.gpupool.image.Sharpen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code --sharpen} and {@code --avif-speed} through the CPU job: the spec carries them, across the worker pipe too. */
class SharpenJobTest {
    @TempDir
    Path tmp;

    private static byte[] png(int w, int h) throws Exception {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = ((x / 24) + (y / 24)) % 2 == 0 ? 40 : 210; // checks: edges to sharpen
                for (int c = 0; c < 3; c++) rgb[(y * w + x) * 3 + c] = (byte) (v + c * 10);
            }
        }
        return Codecs.encode(new PixelBuffer(w, h, 3, rgb), new EncodeOptions(OutputFormat.PNG, 90, 0xFFFFFF));
    }

    private static ThumbnailSpec spec() {
        ThumbnailSpec d = ThumbnailSpec.defaults();
        return new ThumbnailSpec(List.of(new BoxSize(64, 64)), d.fit(), d.filter(), OutputFormat.PNG, d.quality(), d.upscale(),
                d.autoRotate(), d.background(), d.maxPixels(), d.lenient());
    }

    private static PixelBuffer decodePng(byte[] b) throws Exception {
        return dev.gpupool.image.BufferedImages.toPixels(ImageIO.read(new ByteArrayInputStream(b)));
    }

    @Test
    void offByDefaultAndCarriedAcrossTheWorkerPipe() throws Exception {
        assertNull(ThumbnailSpec.defaults().sharpen());
        assertEquals(EncodeOptions.DEFAULT_AVIF_SPEED, ThumbnailSpec.defaults().avifSpeed());
        ThumbnailSpec s = spec().withSharpen(new Sharpen(0.8f, 1.5f, 3f)).withAvifSpeed(9).withCrop(null).withMetadata(true, false);
        assertEquals(new Sharpen(0.8f, 1.5f, 3f), s.sharpen(), "withers keep the sharpening");
        assertEquals(9, s.avifSpeed());
        assertEquals(9, s.encodeOptions(OutputFormat.AVIF).avifSpeed());
        ThumbnailRequest r = new ThumbnailRequest("a", null, new byte[]{1}, List.of(tmp.resolve("a.png")), s);
        assertEquals(s, ThumbnailRequest.fromBytes(r.toBytes()).spec());
        ThumbnailRequest plain = new ThumbnailRequest("a", null, new byte[]{1}, List.of(tmp.resolve("a.png")), spec());
        assertEquals(spec(), ThumbnailRequest.fromBytes(plain.toBytes()).spec());
        assertThrows(IllegalArgumentException.class, () -> spec().withAvifSpeed(11));
    }

    @Test
    void theJobSharpensAfterTheResize() throws Exception {
        byte[] in = png(300, 200);
        ThumbnailSpec sharp = spec().withSharpen(Sharpen.defaults());
        MemoryJob.Result plain = MemoryJob.render(in, spec(), null, Resampler::resize);
        MemoryJob.Result sharpened = MemoryJob.render(in, sharp, null, Resampler::resize);
        PixelBuffer p = decodePng(plain.outputs().getFirst().bytes()), s = decodePng(sharpened.outputs().getFirst().bytes());
        assertEquals(64, s.width());
        assertArrayEquals(Sharpen.defaults().apply(p).data(), s.data(), "the unsharp mask of the plain thumbnail");
        assertFalse(java.util.Arrays.equals(p.data(), s.data()));

        Path f = tmp.resolve("x_64.png");
        ThumbnailJob.run(new ThumbnailRequest("x", null, in, List.of(f), sharp));
        assertArrayEquals(sharpened.outputs().getFirst().bytes(), Files.readAllBytes(f), "the batch job writes the same bytes");
    }

    @Test
    void avifSpeedReachesLibavif() throws Exception {
        // As AvifEncodeTest: libavif (libavif15) must be installed; without it the encode fails naming the package.
        PixelBuffer px = decodePng(png(96, 64));
        byte[] fast = ThumbnailJob.encode(px, OutputFormat.AVIF, spec().withAvifSpeed(10));
        byte[] slow = ThumbnailJob.encode(px, OutputFormat.AVIF, spec().withAvifSpeed(2));
        assertArrayEquals(Codecs.encode(px, new EncodeOptions(OutputFormat.AVIF, 85, 0xFFFFFF, false, Subsample.AUTO, false, 10)), fast);
        assertArrayEquals(Codecs.encode(px, new EncodeOptions(OutputFormat.AVIF, 85, 0xFFFFFF, false, Subsample.AUTO, false, 2)), slow);
        assertFalse(java.util.Arrays.equals(fast, slow), "libaom encodes differently at speed 10 and 2");
    }
}
