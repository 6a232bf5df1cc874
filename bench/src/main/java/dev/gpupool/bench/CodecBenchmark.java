package dev.gpupool.bench;

import dev.gpupool.benchmark.SampleImages;
import dev.gpupool.codec.Codecs;
import dev.gpupool.codec.DecodeOptions;
import dev.gpupool.codec.Decoded;
import dev.gpupool.codec.EncodeOptions;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.BufferedImages;
import dev.gpupool.image.PixelBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Decode and encode throughput of gpupool's codecs on one thread: JPEG decode at full size and with
 * shrink-on-load to what a 256 px thumbnail needs (libjpeg-turbo when installed, else ImageIO;
 * {@code gpupool devices} says which), and JPEG/PNG/WebP encode of a thumbnail and of a 1080p frame.
 * The decode source is a generated photo-like image ({@code WxH}, default 4000x3000) or a JPEG file
 * ({@code -p source=/tmp/photos/x.jpg}). The {@code megapixels} counter is megapixels of the full-size
 * image (decode) or of the encoded image (encode) per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class CodecBenchmark {
    /** Full-size source of the decode cases: WxH (generated) or a JPEG file's path. */
    @Param({"4000x3000"})
    public String source;

    private byte[] jpeg;
    private double sourceMp;
    private PixelBuffer thumb, frame;
    private DecodeOptions full, shrink;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (source.matches("\\d+x\\d+")) {
            String[] wh = source.split("x");
            int w = Integer.parseInt(wh[0]), h = Integer.parseInt(wh[1]);
            PixelBuffer px = BufferedImages.toPixels(SampleImages.photo(w, h, 11));
            jpeg = Codecs.encode(px, new EncodeOptions(OutputFormat.JPEG, 90, 0xFFFFFF));
        } else {
            jpeg = Files.readAllBytes(Path.of(source));
        }
        Decoded d = Codecs.decode(jpeg, DecodeOptions.defaults());
        sourceMp = d.fullWidth() * (double) d.fullHeight() / 1e6;
        thumb = BufferedImages.toPixels(SampleImages.photo(256, 192, 12));
        frame = BufferedImages.toPixels(SampleImages.photo(1920, 1080, 13));
        full = DecodeOptions.defaults();
        // what a 256 x 256 "contain" thumbnail needs: the fitted size, at least
        shrink = new DecodeOptions(0, 0, DecodeOptions.DEFAULT_MAX_PIXELS, false, true, (fw, fh) -> {
            double scale = Math.min(256.0 / fw, 256.0 / fh);
            return new int[]{(int) Math.ceil(fw * scale), (int) Math.ceil(fh * scale)};
        });
    }

    @Benchmark
    public Object decodeJpegFull(Megapixels mp) throws Exception {
        mp.megapixels += sourceMp;
        return Codecs.decode(jpeg, full);
    }

    @Benchmark
    public Object decodeJpegShrinkOnLoadFor256(Megapixels mp) throws Exception {
        mp.megapixels += sourceMp;
        return Codecs.decode(jpeg, shrink);
    }

    @Benchmark
    public Object encodeJpeg256(Megapixels mp) throws Exception {
        mp.megapixels += thumb.pixels() / 1e6;
        return Codecs.encode(thumb, new EncodeOptions(OutputFormat.JPEG, 85, 0xFFFFFF));
    }

    @Benchmark
    public Object encodeJpeg1080p(Megapixels mp) throws Exception {
        mp.megapixels += frame.pixels() / 1e6;
        return Codecs.encode(frame, new EncodeOptions(OutputFormat.JPEG, 85, 0xFFFFFF));
    }

    @Benchmark
    public Object encodePng256(Megapixels mp) throws Exception {
        mp.megapixels += thumb.pixels() / 1e6;
        return Codecs.encode(thumb, new EncodeOptions(OutputFormat.PNG, 85, 0xFFFFFF));
    }

    @Benchmark
    public Object encodeWebp256(Megapixels mp) throws Exception {
        mp.megapixels += thumb.pixels() / 1e6;
        return Codecs.encode(thumb, new EncodeOptions(OutputFormat.WEBP, 85, 0xFFFFFF));
    }
}
