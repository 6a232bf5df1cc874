package dev.gpupool.backend.device;

import dev.gpupool.codec.ImageMetadata;
import dev.gpupool.codec.JpegHeader;
import dev.gpupool.codec.Orientation;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.device.DeviceJpeg;
import dev.gpupool.image.Crop;
import dev.gpupool.image.Fit;
import dev.gpupool.image.FitPlan;
import dev.gpupool.image.ResampleWeights;
import dev.gpupool.job.AtomicFiles;
import dev.gpupool.job.BoxSize;
import dev.gpupool.job.StageSpan;
import dev.gpupool.job.ThumbnailJob;
import dev.gpupool.job.ThumbnailRequest;
import dev.gpupool.job.ThumbnailResult;
import dev.gpupool.job.ThumbnailSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The policy of the device engine's JPEG lane: which images the device's JPEG codec takes whole
 * (decode, resize, orient and - for JPEG outputs - encode on the device), and their plans; and the
 * last step of such an image, writing what came back. Everything else about the image stays as the
 * CPU-decode lane does it (the same fit, filter, quality and metadata choices).
 *
 * <p>The codec takes a JPEG when the device decodes it exactly as libjpeg-turbo would: baseline,
 * 8-bit, three YCbCr components at 4:4:4, 4:2:2, 4:2:0 or 4:4:0, no ICC profile (the CPU lane
 * converts it), no Adobe RGB transform; no larger than {@code --max-pixels} nor the codec's memory;
 * in strict mode, ending with its EOI marker (a device decoder may fill a truncated image silently
 * where strict mode must fail it). A cover crop other than the centre needs the pixels on the host,
 * and a centre crop of a rotated image would need the window turned too: both stay on the CPU lane.
 * Grey, progressive and other JPEGs, and other formats, take the CPU lane, as do JPEGs that arrive
 * while the device's backlog is full ({@link #hasRoom}).
 */
final class JpegLane {
    private static final Set<String> SUBSAMPLINGS = Set.of("444", "422", "420", "440");

    private JpegLane() {
    }

    /** What the lane knows of an image it took: the job, the upright size, and what it needs to finish. */
    record Taken(DeviceJpeg.Job job, int uprightWidth, int uprightHeight, ImageMetadata metadata, List<String> warnings) {
    }

    /**
     * The lane's backlog limit: pixels queued for or on the device, about two full device batches. The
     * lane takes an image only below it, so the device and the CPU threads decode at once, each as
     * fast as it can: when the device falls behind, the next images are decoded on the CPU (shrunk on
     * load) instead of waiting for it. Measured on an H200 with 16 cores, the hardware decoder and the
     * CPU threads decode at the same order of speed (3.2 and 2.1 GP/s), so neither should idle.
     */
    static final long BACKLOG_PIXELS = 2 * DeviceEngine.MAX_SOURCE_PIXELS;

    /**
     * Where JPEG outputs are encoded: {@code GPUPOOL_GPU_ENCODE=on} always by nvJPEG on the device,
     * {@code off} always on CPU threads (libjpeg-turbo, from the downloaded pixels), {@code auto} (the
     * default) on the device from {@link #DEVICE_ENCODE_MIN_PIXELS} output pixels up. Measured on an H200
     * with 16 cores, 120 baseline photos at 256 px: 504 images/s encoding on the device, 779 on the CPU
     * threads; nvJPEG's encoder costs a fixed time per image that small thumbnails do not repay, while
     * their pixels (under 200 kB) cost nothing to download. Large outputs were not measured.
     */
    static final long DEVICE_ENCODE_MIN_PIXELS = 1L << 20;

    static boolean encodeOnDevice(long outputPixels) {
        String setting = System.getProperty("gpupool.gpuEncode", System.getenv().getOrDefault("GPUPOOL_GPU_ENCODE", "auto"));
        return switch (setting.toLowerCase(java.util.Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> outputPixels >= DEVICE_ENCODE_MIN_PIXELS;
        };
    }

    /** Whether the lane takes another image with {@code backlogPixels} already queued or on the device. */
    static boolean hasRoom(long backlogPixels) {
        return backlogPixels < BACKLOG_PIXELS;
    }

    /** The lane's job for this image, or null when the CPU lane should decode it. */
    static Taken take(byte[] bytes, ThumbnailRequest request, DeviceJpeg codec) {
        ThumbnailSpec spec = request.spec();
        JpegHeader h = JpegHeader.parse(bytes);
        if (h == null || h.sof() != JpegHeader.SOF_BASELINE || h.components() != 3 || h.unusualColour() != null
                || !SUBSAMPLINGS.contains(h.subsampling())) return null;
        long pixels = (long) h.width() * h.height();
        if (pixels <= 0 || pixels > spec.maxPixels() || pixels * 3 > codec.maxSourceBytes()) return null;
        if (!spec.lenient() && !endsWithEoi(bytes)) return null;
        int orientation = spec.autoRotate() ? h.orientation() : 1;
        boolean t = Orientation.transposes(orientation);
        int uw = t ? h.height() : h.width(), uh = t ? h.width() : h.height();
        List<DeviceJpeg.Output> outs = new ArrayList<>(spec.sizes().size());
        for (int i = 0; i < spec.sizes().size(); i++) {
            BoxSize box = spec.sizes().get(i);
            FitPlan fit = FitPlan.of(uw, uh, box.width(), box.height(), spec.fit(), spec.upscale());
            boolean cropped = fit.cropX() != 0 || fit.cropY() != 0 || fit.cropWidth() != uw || fit.cropHeight() != uh;
            if (cropped && (orientation != 1 || (spec.fit() == Fit.COVER && spec.crop() != Crop.CENTRE))) return null;
            ResampleWeights wx = fit.weightsX(spec.filter(), uw, 1.0), wy = fit.weightsY(spec.filter(), uh, 1.0);
            // Uncropped weights are symmetric, so resizing the stored image and then turning it equals
            // turning it and then resizing; a transposing orientation swaps the axes.
            ResampleWeights x = t ? wy : wx, y = t ? wx : wy;
            OutputFormat format = ThumbnailJob.formatOf(request.outputs().get(i));
            boolean onDevice = format == OutputFormat.JPEG && !spec.progressive()
                    && encodeOnDevice((long) x.outSize() * y.outSize());
            outs.add(new DeviceJpeg.Output(x, y, onDevice ? spec.quality() : 0, spec.subsample().toString()));
        }
        List<String> warnings = new ArrayList<>(0);
        ImageMetadata meta = spec.keepMetadata() ? ImageMetadata.readJpeg(bytes, spec.autoRotate(), warnings) : ImageMetadata.NONE;
        return new Taken(new DeviceJpeg.Job(bytes, h.width(), h.height(), orientation, List.copyOf(outs), spec.sharpen()), uw, uh, meta, warnings);
    }

    /** The last marker is EOI (FF D9), trailing zero padding aside. */
    static boolean endsWithEoi(byte[] b) {
        int end = b.length;
        while (end > 2 && b[end - 1] == 0) end--;
        return end >= 4 && (b[end - 2] & 0xFF) == 0xFF && (b[end - 1] & 0xFF) == 0xD9;
    }

    /**
     * Writes what the device made for {@code request} (atomically, whole or not at all) and returns the
     * job's result; {@code spans} so far (read, decode, resize) get the encode span added.
     */
    static ThumbnailResult finish(ThumbnailRequest request, Taken taken, List<DeviceJpeg.Made> made, List<StageSpan> spans)
            throws IOException {
        long t = StageSpan.nowMicros();
        ThumbnailSpec spec = request.spec();
        List<ThumbnailResult.Output> written = new ArrayList<>(made.size());
        for (int i = 0; i < made.size(); i++) {
            DeviceJpeg.Made m = made.get(i);
            Path target = request.outputs().get(i);
            if (m.jpeg() != null) {
                byte[] data = taken.metadata().embedInto(m.jpeg(), OutputFormat.JPEG);
                AtomicFiles.writeOutput(target, data);
                int[] size = outputSize(taken.job().outputs().get(i), taken.job().orientation());
                written.add(new ThumbnailResult.Output(size[0], size[1], data.length));
            } else {
                long len = ThumbnailJob.write(m.pixels(), target, spec, taken.metadata());
                written.add(new ThumbnailResult.Output(m.pixels().width(), m.pixels().height(), len));
            }
        }
        List<StageSpan> all = new ArrayList<>(spans);
        all.add(StageSpan.since("encode", t));
        ThumbnailResult.Output first = written.getFirst();
        return new ThumbnailResult(first.width(), first.height(), taken.warnings(), all, "jpeg", taken.uprightWidth(),
                taken.uprightHeight(), written);
    }

    /** An output's upright size: the resize's size, swapped by a transposing orientation. */
    static int[] outputSize(DeviceJpeg.Output o, int orientation) {
        int w = o.x().outSize(), h = o.y().outSize();
        return Orientation.transposes(orientation) ? new int[]{h, w} : new int[]{w, h};
    }
}
