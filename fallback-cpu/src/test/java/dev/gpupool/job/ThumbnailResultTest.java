package dev.gpupool.job;

import dev.gpupool.codec.Codecs;
import dev.gpupool.codec.EncodeOptions;
import dev.gpupool.codec.ImageDecodeException;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Every output of a job is reported (sizes, lengths), with the input's format and size, across the worker pipe too. */
class ThumbnailResultTest {
    @TempDir
    Path tmp;

    private static byte[] jpeg(int w, int h) throws Exception {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) ((i * 7) ^ (i / (w * 3)) * 13);
        return Codecs.encode(new PixelBuffer(w, h, 3, rgb), new EncodeOptions(OutputFormat.JPEG, 90, 0xFFFFFF));
    }

    private static ThumbnailSpec spec(List<BoxSize> sizes, OutputFormat format) {
        ThumbnailSpec d = ThumbnailSpec.defaults();
        return new ThumbnailSpec(sizes, d.fit(), d.filter(), format, d.quality(), d.upscale(), d.autoRotate(), d.background(),
                d.maxPixels(), d.lenient());
    }

    @Test
    void aJobReportsEveryOutputItWroteAndTheInput() throws Exception {
        Path a = tmp.resolve("a_128.jpg"), b = tmp.resolve("a_512.png");
        ThumbnailRequest req = new ThumbnailRequest("a", null, jpeg(800, 500), List.of(a, b),
                spec(List.of(new BoxSize(128, 128), new BoxSize(512, 512)), OutputFormat.JPEG));
        ThumbnailResult r = ThumbnailJob.run(req);
        assertEquals(List.of(new ThumbnailResult.Output(128, 80, Files.size(a)), new ThumbnailResult.Output(512, 320, Files.size(b))),
                r.outputs());
        assertEquals(128, r.width());
        assertEquals(80, r.height());
        assertEquals("jpeg", r.inputFormat());
        assertEquals(800, r.inputWidth());
        assertEquals(500, r.inputHeight());

        ThumbnailResult back = ThumbnailResult.fromBytes(r.toBytes()); // the worker process's answer, as the host reads it
        assertEquals(r, back);
        ThumbnailResult bare = new ThumbnailResult(1, 2, List.of(), List.of());
        assertEquals(bare, ThumbnailResult.fromBytes(bare.toBytes()));
        assertNull(bare.inputFormat());
    }

    @Test
    void inMemoryGivesTheBatchsBytesForEverySize() throws Exception {
        byte[] in = jpeg(640, 480);
        ThumbnailSpec spec = spec(List.of(new BoxSize(100, 100), new BoxSize(320, 240)), null); // null: same as the input
        MemoryJob.Result r = MemoryJob.render(in, spec, null, Resampler::resize);
        assertEquals(2, r.outputs().size());
        assertEquals(List.of(100, 75, 320, 240), List.of(r.outputs().get(0).width(), r.outputs().get(0).height(),
                r.outputs().get(1).width(), r.outputs().get(1).height()));
        assertEquals(OutputFormat.JPEG, r.outputs().get(1).format());
        assertEquals("jpeg", r.inputFormat());
        assertEquals(640, r.inputWidth());

        Path f0 = tmp.resolve("x_100.jpg"), f1 = tmp.resolve("x_320x240.jpg");
        ThumbnailJob.run(new ThumbnailRequest("x", null, in, List.of(f0, f1), spec));
        assertArrayEquals(Files.readAllBytes(f0), r.outputs().get(0).bytes());
        assertArrayEquals(Files.readAllBytes(f1), r.outputs().get(1).bytes());

        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> MemoryJob.render("not an image".getBytes(), spec, null, Resampler::resize));
        assertNotNull(e.getMessage());
    }
}
