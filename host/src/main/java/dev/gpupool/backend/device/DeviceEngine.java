package dev.gpupool.backend.device;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.backend.ThumbnailEngine;
import dev.gpupool.codec.Decoded;
import dev.gpupool.device.DeviceException;
import dev.gpupool.device.DeviceResizer;
import dev.gpupool.device.ResizeRequest;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
import dev.gpupool.job.ResizePlan;
import dev.gpupool.job.ThumbnailJob;
import dev.gpupool.job.ThumbnailRequest;
import dev.gpupool.job.StageSpan;
import dev.gpupool.job.ThumbnailResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A device backend's engine: read and decode on the pool's CPU threads, resize on the device in
 * batches, encode and write on the CPU threads again. One batcher thread is the device's only
 * caller; it takes what is decoded, waits a moment for more, and sends up to {@link #MAX_IMAGES}
 * images (or {@link #MAX_SOURCE_PIXELS}) in one call, so transfers and kernels of many images share
 * one submission. An image the device cannot take is resized on the CPU instead, and after
 * {@link #MAX_DEVICE_FAILURES} device failures everything goes to the CPU; each item's report says
 * where it really ran.
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
    private final Backend backend;
    private final BlockingQueue<Decoding> ready = new LinkedBlockingQueue<>();
    private final Thread batcher;
    private volatile boolean closed;
    private int deviceFailures;

    /** A decoded image waiting for the device. */
    private record Decoding(ThumbnailRequest request, Decoded decoded, List<ResizePlan> plans, StageSpan read,
                            StageSpan decode, CompletableFuture<Done> done) {
    }

    public DeviceEngine(Pool pool, DeviceResizer resizer, Backend backend) {
        this.pool = pool;
        this.resizer = resizer;
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
            t = StageSpan.nowMicros();
            Decoded decoded = ThumbnailJob.decode(bytes, request.spec());
            StageSpan decode = StageSpan.since("decode", t);
            ready.add(new Decoding(request, decoded, ThumbnailJob.plan(decoded, request.spec()), read, decode, done));
            return null;
        }).whenComplete((v, e) -> {
            if (e != null) done.completeExceptionally(e);
        });
        return done;
    }

    private void batchLoop() {
        List<Decoding> batch = new ArrayList<>();
        while (!closed || !ready.isEmpty()) {
            try {
                Decoding first = ready.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                long pixels = first.decoded().pixels().pixels();
                long until = System.nanoTime() + GATHER_NANOS;
                while (batch.size() < MAX_IMAGES && pixels < MAX_SOURCE_PIXELS) {
                    Decoding next = ready.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) break;
                    batch.add(next);
                    pixels += next.decoded().pixels().pixels();
                }
                resizeBatch(batch);
            } catch (InterruptedException e) {
                if (closed) break;
            } catch (Throwable e) {
                for (Decoding d : batch) d.done().completeExceptionally(e);
            } finally {
                batch.clear();
            }
        }
    }

    /** Resizes every plan of every image of the batch, on the device where it can, else on the CPU. */
    private void resizeBatch(List<Decoding> batch) {
        List<ResizeRequest> requests = new ArrayList<>();
        List<Decoding> owner = new ArrayList<>();
        for (Decoding d : batch) {
            for (ResizePlan p : d.plans()) {
                requests.add(new ResizeRequest(d.decoded().pixels(), p.x(), p.y()));
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
                for (int k = 0; k < todo.size(); k++) out[todo.get(k)] = got.get(k);
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
        return Resampler.resize(r.src(), r.x(), r.y());
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
