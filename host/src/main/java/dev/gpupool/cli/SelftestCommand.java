package dev.gpupool.cli;

import dev.gpupool.Backend;
import dev.gpupool.backend.BackendRuntime;
import dev.gpupool.backend.Backends;
import dev.gpupool.backend.cpu.ProcessEngine;
import dev.gpupool.backend.device.DeviceRuntime;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceResizer;
import dev.gpupool.device.DeviceSession;
import dev.gpupool.device.ProbeReport;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.FitPlan;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import dev.gpupool.cpu.ProcessPool;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code gpupool selftest}: each usable backend's resize against the CPU reference on generated
 * images (every filter and fit, 1 to 4 channels), its largest difference per channel (at most 1
 * passes), and its resize throughput in source megapixels per second (median of 5 runs).
 */
@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = "Check each usable backend against the CPU reference: correctness and speed.")
final class SelftestCommand implements Callable<Integer> {
    @Option(names = "--backend", paramLabel = "B", description = "Only this backend (cuda, opencl, cpu, cpu-threads).")
    String backend;

    @Option(names = "--device", paramLabel = "N", description = "Which device of a device backend (default: 0).")
    int device;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        int workers = Runtime.getRuntime().availableProcessors();
        List<ProbeReport> reports = new ArrayList<>();
        if (backend != null) {
            Backend b = Backend.parse(backend);
            if (b == Backend.AUTO) throw new IllegalArgumentException("selftest takes a concrete backend, not auto");
            ProbeReport r = Backends.probe(b, device, workers, true);
            if (!r.usable()) throw new dev.gpupool.BackendUnavailableException(b.cliName() + " backend " + r.reason());
            reports.add(r);
        } else {
            for (ProbeReport r : Backends.probeAll(workers)) {
                if (r.usable()) reports.add(r);
                else out.println(r.backend().cliName() + ": skipped, " + r.reason());
            }
        }
        List<Case> cases = cases();
        long sourcePixels = cases.stream().mapToLong(c -> c.request.src().pixels()).sum();
        List<PixelBuffer> reference = cases.stream().map(c -> Resampler.resize(c.request.src(), c.request.x(), c.request.y())).toList();
        boolean allOk = true;
        for (ProbeReport r : reports) {
            try (BackendRuntime runtime = Backends.select(r.backend(), device, workers).runtime()) {
                List<String> notes = new ArrayList<>();
                Result res = runtime instanceof DeviceRuntime d ? device(d.session(), cases, notes)
                        : r.backend() == Backend.CPU ? processes(cases, workers) : threads(cases, workers);
                int diff = 0;
                for (int i = 0; i < cases.size(); i++) diff = Math.max(diff, maxDiff(reference.get(i), res.outputs.get(i)));
                boolean ok = diff <= 1;
                allOk &= ok;
                for (String note : notes) out.println(r.backend().cliName() + " " + note);
                out.printf(Locale.ROOT, "%s (%s): %s, max difference %d per channel over %d resizes, %.1f MP/s resize (median of 5)%s%n",
                        r.backend().cliName(), r.device(), ok ? "ok" : "MISMATCH", diff, cases.size(),
                        sourcePixels / 1e6 / res.seconds, r.backend() == Backend.CPU ? " [pixels piped to the workers for this check; real jobs pipe only paths]" : "");
            } catch (DeviceException | RuntimeException e) {
                allOk = false;
                out.println(r.backend().cliName() + ": FAILED: " + e.getMessage());
            }
        }
        return allOk ? Main.OK : Main.SOME_FAILED;
    }

    record Case(String name, ResizeRequest request, Filter filter, Fit fit, int boxWidth, int boxHeight, boolean upscale) {
    }

    record Result(List<PixelBuffer> outputs, double seconds) {
    }

    /** Generated images of 1 to 4 channels, through every filter and fit mode, shrinking and enlarging. */
    static List<Case> cases() {
        Random rnd = new Random(42);
        List<Case> out = new ArrayList<>();
        int[][] shapes = {{1500, 1000}, {640, 960}, {257, 129}, {64, 48}};
        int n = 0;
        for (Filter f : Filter.values()) {
            for (Fit fit : Fit.values()) {
                int[] s = shapes[n % shapes.length];
                int ch = 1 + n % 4;
                PixelBuffer px = noise(s[0], s[1], ch, rnd);
                boolean up = s[0] < 100;
                FitPlan plan = FitPlan.of(s[0], s[1], up ? 300 : 256, up ? 200 : 256, fit, up);
                out.add(new Case(f.cliName() + "/" + fit.cliName(), new ResizeRequest(px, plan.weightsX(f, s[0]), plan.weightsY(f, s[1])),
                        f, fit, up ? 300 : 256, up ? 200 : 256, up));
                n++;
            }
        }
        return out;
    }

    private static PixelBuffer noise(int w, int h, int ch, Random rnd) {
        byte[] d = new byte[w * h * ch];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < ch; c++) {
                    int v = (int) (128 + 90 * Math.sin((x + 7 * c) * 0.05) * Math.cos(y * 0.03)) + rnd.nextInt(21) - 10;
                    d[(y * w + x) * ch + c] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return new PixelBuffer(w, h, ch, d);
    }

    private static Result processes(List<Case> cases, int workers) {
        try (ProcessPool pool = ProcessPool.start(ProcessPool.Options.of(SelftestResizeHandler.class).workers(workers)
                .threadsPerProcess(ProcessEngine.CPU_THREADS_PER_PROCESS))) {
            List<byte[]> requests = new ArrayList<>();
            for (Case c : cases) {
                requests.add(SelftestResizeHandler.request(c.request.src(), c.filter, c.fit, c.boxWidth, c.boxHeight, c.upscale));
            }
            List<PixelBuffer> last = null;
            double[] t = new double[5];
            for (int run = 0; run < t.length; run++) {
                long t0 = System.nanoTime();
                List<CompletableFuture<byte[]>> fs = requests.stream().map(pool::submit).toList();
                List<PixelBuffer> outs = new ArrayList<>();
                for (CompletableFuture<byte[]> f : fs) outs.add(SelftestResizeHandler.fromBytes(f.join()));
                t[run] = (System.nanoTime() - t0) / 1e9;
                last = outs;
            }
            return new Result(last, median(t));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Result threads(List<Case> cases, int threads) {
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        try {
            List<PixelBuffer> last = null;
            double[] t = new double[5];
            for (int run = 0; run < t.length; run++) {
                long t0 = System.nanoTime();
                List<Future<PixelBuffer>> fs = new ArrayList<>();
                for (Case c : cases) fs.add(ex.submit(() -> Resampler.resize(c.request.src(), c.request.x(), c.request.y())));
                List<PixelBuffer> outs = new ArrayList<>();
                for (Future<PixelBuffer> f : fs) outs.add(f.get());
                t[run] = (System.nanoTime() - t0) / 1e9;
                last = outs;
            }
            return new Result(last, median(t));
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            ex.shutdownNow();
        }
    }

    /** The device's resize through the pool's own session; {@code notes} gets the session's measured limits. */
    private static Result device(DeviceSession session, List<Case> cases, List<String> notes) throws DeviceException {
        notes.addAll(session.limits());
        {
            DeviceResizer r = session.resizer();
            List<ResizeRequest> batch = cases.stream().map(Case::request).toList();
            r.resize(batch); // warm-up: program build or cache load, buffer allocation
            List<PixelBuffer> last = null;
            double[] t = new double[5];
            for (int run = 0; run < t.length; run++) {
                long t0 = System.nanoTime();
                last = r.resize(batch);
                t[run] = (System.nanoTime() - t0) / 1e9;
            }
            return new Result(last, median(t));
        }
    }

    static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static int maxDiff(PixelBuffer a, PixelBuffer b) {
        if (a.width() != b.width() || a.height() != b.height() || a.channels() != b.channels()) return 255;
        int m = 0;
        byte[] x = a.data(), y = b.data();
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs((x[i] & 0xFF) - (y[i] & 0xFF)));
        return m;
    }
}
