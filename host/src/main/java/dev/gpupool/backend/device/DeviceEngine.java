package dev.gpupool.backend.device;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.backend.ThumbnailEngine;
import dev.gpupool.codec.Decoded;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceJpeg;
import dev.gpupool.device.DeviceResizer;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
import dev.gpupool.image.Sharpen;
import dev.gpupool.job.ResizePlan;
import dev.gpupool.job.ThumbnailJob;
import dev.gpupool.job.ThumbnailRequest;
import dev.gpupool.job.StageSpan;
import dev.gpupool.job.ThumbnailResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A device backend's engine, with two lanes. The CPU-decode lane: read and decode on the pool's CPU
 * threads, resize on the device in batches, encode and write on the CPU threads again. The JPEG lane,
 * where the device has a JPEG codec ({@link DeviceJpeg}, nvJPEG's hardware decoder on CUDA): read on
 * a CPU thread, then decode, resize, orient and encode on the device, and write the bytes that come
 * back; {@link JpegLane} says which images it takes. One batcher thread is the device's only caller;
 * it takes what is ready, waits a moment for more, and sends up to {@link #MAX_IMAGES} images (or
 * {@link #MAX_SOURCE_PIXELS}) in one call per lane, so transfers and kernels of many images share one
 * submission. An image the device cannot take is done on the CPU instead (an image its decoder
 * refuses goes back to the CPU-decode lane), and after {@link #MAX_DEVICE_FAILURES} device failures
 * everything goes to the CPU; each item's report says where each stage really ran.
 */
public final class DeviceEngine implements ThumbnailEngine {
    static final int MAX_IMAGES = 32;
    static final long MAX_SOURCE_PIXELS = 96L << 20;
    static final int MAX_DEVICE_FAILURES = 3;
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** A library does not own standard error: the device-failure note goes to the application's logging. */
    private static final System.Logger LOG = System.getLogger(DeviceEngine.class.getName());

    private final Pool pool;
    private final DeviceResizer resizer;
    private final DeviceJpeg jpeg; // null: no JPEG lane
    private final Backend backend;
    private final BlockingQueue<Work> ready = new LinkedBlockingQueue<>();
    /** Pixels of the JPEG lane's images queued or on the device: the lane takes more only while {@link JpegLane#hasRoom}. */
    private final java.util.concurrent.atomic.AtomicLong jpegBacklog = new java.util.concurrent.atomic.AtomicLong();
    private final Thread batcher;
    private volatile boolean closed;
    private InFlight inFlight; // batcher thread only: the JPEG batch on the device

    /** A JPEG batch submitted to the codec and not yet collected. */
    private record InFlight(List<JpegWork> batch, DeviceJpeg.Pending pending, long t0) {
    }
    private int deviceFailures;

    /** An image waiting for the device: decoded on the CPU, or a JPEG for the device's codec. */
    private sealed interface Work permits Decoding, JpegWork {
        long pixels();

        CompletableFuture<Done> done();
    }

    /** A decoded image waiting for the device. */
    private record Decoding(ThumbnailRequest request, Decoded decoded, List<ResizePlan> plans, StageSpan read,
                            StageSpan decode, CompletableFuture<Done> done) implements Work {
        public long pixels() {
            return decoded.pixels().pixels();
        }
    }

    /** A JPEG the device's codec takes whole. */
    private record JpegWork(ThumbnailRequest request, byte[] bytes, JpegLane.Taken taken, StageSpan read,
                            CompletableFuture<Done> done) implements Work {
        public long pixels() {
            return (long) taken.job().width() * taken.job().height();
        }
    }

    public DeviceEngine(Pool pool, DeviceResizer resizer, Backend backend) {
        this(pool, resizer, null, backend);
    }

    /** With {@code jpeg} (may be null) the engine also has the JPEG lane. */
    public DeviceEngine(Pool pool, DeviceResizer resizer, DeviceJpeg jpeg, Backend backend) {
        this.pool = pool;
        this.resizer = resizer;
        this.jpeg = jpeg;
        this.backend = backend;
        this.batcher = Thread.ofPlatform().name("gpupool-device-batcher").daemon().start(this::batchLoop);
    }

    DeviceResizer resizer() {
        return resizer;
    }

    @Override
    public CompletableFuture<Done> submit(ThumbnailRequest request) {
        CompletableFuture<Done> done = new CompletableFuture<>();
        pool.submit(() -> {
            long t = StageSpan.nowMicros();
            byte[] bytes = ThumbnailJob.read(request);
            StageSpan read = StageSpan.since("read", t);
            JpegLane.Taken taken = jpeg != null && deviceFailures < MAX_DEVICE_FAILURES && JpegLane.hasRoom(jpegBacklog.get())
                    ? JpegLane.take(bytes, request, jpeg) : null;
            if (taken != null) {
                JpegWork w = new JpegWork(request, bytes, taken, read, done);
                jpegBacklog.addAndGet(w.pixels());
                ready.add(w);
            } else {
                decodeOnCpu(request, bytes, read, done);
            }
            return null;
        }).whenComplete((v, e) -> {
            if (e != null) done.completeExceptionally(e);
        });
        return done;
    }

    /** The CPU-decode lane's first step (on a pool thread): decode, plan, and queue for the device resize. */
    private void decodeOnCpu(ThumbnailRequest request, byte[] bytes, StageSpan read, CompletableFuture<Done> done) throws IOException {
        long t = StageSpan.nowMicros();
        Decoded decoded = ThumbnailJob.decode(bytes, request.spec());
        StageSpan decode = StageSpan.since("decode", t);
        ready.add(new Decoding(request, decoded, ThumbnailJob.plan(decoded, request.spec()), read, decode, done));
    }

    private void batchLoop() {
        List<Work> batch = new ArrayList<>();
        while (!closed || !ready.isEmpty()) {
            try {
                // With a JPEG batch on the device, wait only briefly for more work before collecting it.
                Work first = ready.poll(inFlight != null ? 1 : 100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    finishInFlight();
                    continue;
                }
                batch.add(first);
                long pixels = first.pixels();
                long until = System.nanoTime() + GATHER_NANOS;
                while (batch.size() < MAX_IMAGES && pixels < MAX_SOURCE_PIXELS) {
                    Work next = ready.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) break;
                    batch.add(next);
                    pixels += next.pixels();
                }
                List<Decoding> decoded = new ArrayList<>();
                List<JpegWork> jpegs = new ArrayList<>();
                for (Work w : batch) {
                    if (w instanceof Decoding d) decoded.add(d);
                    else jpegs.add((JpegWork) w);
                }
                if (!jpegs.isEmpty()) submitJpegs(jpegs);
                if (!decoded.isEmpty()) resizeBatch(decoded);
            } catch (InterruptedException e) {
                if (closed) break;
            } catch (Throwable e) {
                for (Work w : batch) w.done().completeExceptionally(e);
            } finally {
                batch.clear();
            }
        }
        finishInFlight();
    }

    /**
     * The JPEG lane's device step, pipelined: submits the batch to the codec (queued on the device),
     * then collects the batch submitted before it, so the device works on one batch while the host
     * stages the next and finishes the last. A device failure sends the batch back to the CPU.
     */
    private void submitJpegs(List<JpegWork> batch) {
        long t0 = StageSpan.nowMicros();
        DeviceJpeg.Pending p;
        try {
            p = jpeg.submit(batch.stream().map(w -> w.taken().job()).toList());
        } catch (DeviceException | RuntimeException e) {
            finishInFlight();
            finish(batch, failed(batch, e), t0);
            return;
        }
        InFlight before = inFlight;
        inFlight = new InFlight(batch, p, t0);
        if (before != null) collect(before);
    }

    /** Collects the JPEG batch on the device, if any. Batcher thread only. */
    private void finishInFlight() {
        InFlight f = inFlight;
        inFlight = null;
        if (f != null) collect(f);
    }

    private void collect(InFlight f) {
        DeviceJpeg.Run run;
        try {
            run = jpeg.collect(f.pending());
        } catch (DeviceException | RuntimeException e) {
            run = failed(f.batch(), e);
        }
        finish(f.batch(), run, f.t0());
    }

    private DeviceJpeg.Run failed(List<JpegWork> batch, Exception e) {
        deviceFailures++;
        LOG.log(System.Logger.Level.WARNING, "gpupool: " + backend.cliName() + " JPEG codec failed (" + e.getMessage()
                + "); these images are decoded on the CPU");
        return new DeviceJpeg.Run(batch.stream().map(w -> new DeviceJpeg.Result(null, e.getMessage())).toList(), 0, 0, 0);
    }

    /**
     * Each image of a collected JPEG batch finishes on a pool thread (its bytes written), or goes back to
     * the CPU-decode lane when the codec did not take it.
     */
    private void finish(List<JpegWork> batch, DeviceJpeg.Run run, long t0) {
        for (JpegWork w : batch) jpegBacklog.addAndGet(-w.pixels());
        // Each image's spans: its share of each device stage, one after another from the call's start.
        int n = batch.size();
        long dec = run.decodeNanos() / 1000 / n, res = run.resizeNanos() / 1000 / n, enc = run.encodeNanos() / 1000 / n;
        String device = backend.cliName() + " " + resizer.deviceName();
        List<DeviceJpeg.Result> results = run.results();
        for (int i = 0; i < n; i++) {
            JpegWork w = batch.get(i);
            DeviceJpeg.Result r = results.get(i);
            long start = t0 + i * (dec + res + enc);
            pool.submit(() -> {
                if (r.outputs() == null) { // corrupt, or a kind the decoder refused: the CPU decodes it (and words any error)
                    decodeOnCpu(w.request(), w.bytes(), w.read(), w.done());
                    return null;
                }
                List<StageSpan> spans = List.of(w.read(), new StageSpan("decode", start, dec, jpeg.decoderName()),
                        new StageSpan("resize", start + dec, res, device), new StageSpan("encode", start + dec + res, enc, jpeg.encoderName()));
                var result = JpegLane.finish(w.request(), w.taken(), r.outputs(), spans);
                String encoder = r.outputs().getFirst().jpeg() != null ? jpeg.encoderName()
                        : dev.gpupool.codec.Codecs.encoderName(ThumbnailJob.formatOf(w.request().outputs().getFirst()));
                w.done().complete(new Done(result, backend, new Where(jpeg.decoderName(), backend.cliName(), encoder)));
                return null;
            }).whenComplete((v, e) -> {
                if (e != null) w.done().completeExceptionally(e);
            });
        }
    }

    /** Resizes every plan of every image of the batch, on the device where it can, else on the CPU. */
    private void resizeBatch(List<Decoding> batch) {
        List<ResizeRequest> requests = new ArrayList<>();
        List<Decoding> owner = new ArrayList<>();
        for (Decoding d : batch) {
            for (ResizePlan p : d.plans()) {
                requests.add(new ResizeRequest(d.decoded().pixels(), p.x(), p.y(), d.request().spec().sharpen()));
                owner.add(d);
            }
        }
        long t0 = StageSpan.nowMicros();
        PixelBuffer[] out = new PixelBuffer[requests.size()];
        boolean[] onCpu = new boolean[requests.size()];
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) todo.add(i);
        while (!todo.isEmpty()) {
            if (deviceFailures >= MAX_DEVICE_FAILURES) {
                for (int i : todo) { out[i] = cpuResize(requests.get(i)); onCpu[i] = true; }
                break;
            }
            List<ResizeRequest> send = todo.stream().map(requests::get).toList();
            try {
                List<PixelBuffer> got = deviceResize(send);
                boolean sharpened = resizer.sharpens(); // else --sharpen runs here, on the CPU, after the device resize
                for (int k = 0; k < todo.size(); k++) {
                    out[todo.get(k)] = sharpened ? got.get(k) : Sharpen.apply(send.get(k).sharpen(), got.get(k));
                }
                todo.clear();
            } catch (DeviceException | RuntimeException e) {
                // A driver that throws something else than DeviceException (a lost device, a bug) has
                // failed just the same: the batch's unfinished work goes to the CPU, not to the bin.
                int bad = e instanceof DeviceException de ? de.requestIndex() : -1;
                if (bad >= 0 && bad < todo.size()) { // one image does not fit: CPU for it, the device for the rest
                    int i = todo.remove(bad);
                    out[i] = cpuResize(requests.get(i));
                    onCpu[i] = true;
                } else {
                    deviceFailures++;
                    LOG.log(System.Logger.Level.WARNING, "gpupool: " + backend.cliName() + " device failed (" + e.getMessage() + "); this batch runs on the CPU");
                    for (int i : todo) { out[i] = cpuResize(requests.get(i)); onCpu[i] = true; }
                    todo.clear();
                }
            }
        }
        // One span per image, the batch's time shared out evenly (the images of a batch resize together).
        long each = Math.max(1, (StageSpan.nowMicros() - t0) / batch.size()); // read now: the batch list is reused
        String deviceWorker = backend.cliName() + " " + resizer.deviceName();
        int k = 0, image = 0;
        for (Decoding d : batch) {
            int n = d.plans().size();
            long resizeStart = t0 + image++ * each;
            List<PixelBuffer> mine = new ArrayList<>(n);
            boolean cpu = false;
            for (int j = 0; j < n; j++, k++) { mine.add(out[k]); cpu |= onCpu[k]; }
            Backend ranOn = cpu ? Backend.CPU_THREADS : backend;
            StageSpan resize = new StageSpan("resize", resizeStart, each, cpu ? "cpu fallback" : deviceWorker);
            pool.submit(() -> {
                long w = StageSpan.nowMicros();
                List<ThumbnailResult.Output> written = new ArrayList<>(n);
                for (int j = 0; j < n; j++) {
                    PixelBuffer px = mine.get(j);
                    long len = ThumbnailJob.write(px, d.request().outputs().get(j), d.request().spec(), d.decoded().metadata());
                    written.add(new ThumbnailResult.Output(px.width(), px.height(), len));
                }
                StageSpan encode = StageSpan.since("encode", w);
                return new Done(ThumbnailJob.result(d.decoded(), written, List.of(d.read(), d.decode(), resize, encode)), ranOn);
            }).whenComplete((v, e) -> {
                if (e != null) d.done().completeExceptionally(e);
                else d.done().complete(v);
            });
        }
    }

    private List<PixelBuffer> deviceResize(List<ResizeRequest> send) throws DeviceException {
        return resizer.resize(send);
    }

    private static PixelBuffer cpuResize(ResizeRequest r) {
        return Sharpen.apply(r.sharpen(), Resampler.resize(r.src(), r.x(), r.y()));
    }

    @Override
    public void close() {
        closed = true;
        try {
            batcher.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        resizer.close();
    }
}
