package dev.gpupool.bench;

import dev.gpupool.Backend;
import dev.gpupool.device.DeviceResizer;
import dev.gpupool.backend.BackendRuntime;
import dev.gpupool.backend.Backends;
import dev.gpupool.backend.device.DeviceRuntime;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.FitPlan;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Resize alone (pixels in memory to pixels in memory, no codec), per backend, filter and shape.
 * {@code cpu} is gpupool's CPU resampler on one thread (what each worker process or thread runs);
 * {@code opencl} and {@code cuda} are a device resizer fed the whole shape as one batch, uploads and
 * downloads included. The {@code megapixels} counter is source megapixels per second.
 * A backend that is not usable here fails its own runs in setup and the others go on.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class ResizeBenchmark {
    @Param({"cpu", "opencl"})
    public String backend;

    @Param({"lanczos3", "mitchell", "triangle", "box"})
    public String filter;

    /** SOURCE-to-BOX, "Nx" for a batch of N. */
    @Param({"24MP-to-256", "4K-to-1080p", "1080p-to-256", "32x640x480-to-256"})
    public String shape;

    private List<ResizeRequest> batch;
    private double megapixels;
    private DeviceResizer device;
    private BackendRuntime runtime;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        int count = 1, w, h, bw, bh;
        switch (shape) {
            case "24MP-to-256" -> { w = 6000; h = 4000; bw = bh = 256; }
            case "4K-to-1080p" -> { w = 3840; h = 2160; bw = 1920; bh = 1080; }
            case "1080p-to-256" -> { w = 1920; h = 1080; bw = bh = 256; }
            case "32x640x480-to-256" -> { count = 32; w = 640; h = 480; bw = bh = 256; }
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        }
        Filter f = Filter.parse(filter);
        Random rnd = new Random(7);
        batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PixelBuffer src = noise(w, h, 3, rnd);
            FitPlan plan = FitPlan.of(w, h, bw, bh, Fit.CONTAIN, false);
            batch.add(new ResizeRequest(src, plan.weightsX(f, w), plan.weightsY(f, h)));
        }
        megapixels = count * (double) w * h / 1e6;
        if (!backend.equals("cpu")) {
            runtime = Backends.select(Backend.parse(backend), 0, 1).runtime(); // the device session a pool would use
            device = ((DeviceRuntime) runtime).session().resizer();
            device.resize(batch); // program build or cache load, buffers
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (runtime != null) runtime.close();
    }

    @Benchmark
    public Object resize(Megapixels mp) throws Exception {
        mp.megapixels += megapixels;
        if (device != null) return device.resize(batch);
        List<PixelBuffer> out = new ArrayList<>(batch.size());
        for (ResizeRequest r : batch) out.add(Resampler.resize(r.src(), r.x(), r.y()));
        return out;
    }

    static PixelBuffer noise(int w, int h, int ch, Random rnd) {
        byte[] d = new byte[w * h * ch];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int base = (int) (128 + 80 * Math.sin(x * 0.01) * Math.cos(y * 0.013));
                for (int c = 0; c < ch; c++) d[(y * w + x) * ch + c] = (byte) Math.max(0, Math.min(255, base + rnd.nextInt(17) - 8 + 20 * c));
            }
        }
        return new PixelBuffer(w, h, ch, d);
    }
}
