package dev.gpupool.job;

import dev.gpupool.codec.Codecs;
import dev.gpupool.codec.DecodeOptions;
import dev.gpupool.codec.Decoded;
import dev.gpupool.codec.EncodeOptions;
import dev.gpupool.codec.ImageDecodeException;
import dev.gpupool.codec.ImageMetadata;
import dev.gpupool.codec.MemoryBudget;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.Fit;
import dev.gpupool.image.FitPlan;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
import dev.gpupool.image.Sharpen;
import dev.gpupool.image.SmartCrop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The thumbnail job of one image. {@link #run} does it all on the calling thread (the CPU backends);
 * a device backend calls {@link #read}, {@link #decode} and {@link #plan} on the CPU, resizes the
 * plans on its device, and finishes with {@link #write}.
 */
public final class ThumbnailJob {
    /** Shrink-on-load keeps at least this many decoded pixels per output pixel along each axis. */
    static final int SHRINK_ON_LOAD_MARGIN = 2;

    private ThumbnailJob() {
    }

    /** The whole job on this thread. */
    public static ThumbnailResult run(ThumbnailRequest request) throws IOException {
        // The decoded pixels count against the memory budget until the outputs are written.
        try (MemoryBudget.Scope scope = MemoryBudget.enter()) {
            return runInScope(request);
        } catch (OutOfMemoryError e) {
            // The last resort when the budget's estimate was short: this image fails, the run goes on.
            throw new ImageDecodeException("not enough memory for this image (raise the heap with JAVA_OPTS=-Xmx...)", e);
        }
    }

    private static ThumbnailResult runInScope(ThumbnailRequest request) throws IOException {
        List<StageSpan> spans = new ArrayList<>(4);
        long t = StageSpan.nowMicros();
        byte[] bytes = read(request);
        spans.add(StageSpan.since("read", t));
        t = StageSpan.nowMicros();
        Decoded decoded = decode(bytes, request.spec());
        spans.add(StageSpan.since("decode", t));
        t = StageSpan.nowMicros();
        List<ResizePlan> plans;
        try {
            plans = plan(decoded, request.spec());
        } catch (dev.gpupool.image.OutputTooLargeException e) {
            throw new ImageDecodeException(e.getMessage(), e); // this image's failure, not a bug: one line, no stack trace
        }
        List<PixelBuffer> outs = new ArrayList<>(plans.size());
        for (ResizePlan p : plans) outs.add(Sharpen.apply(request.spec().sharpen(), Resampler.resize(decoded.pixels(), p.x(), p.y())));
        spans.add(StageSpan.since("resize", t));
        t = StageSpan.nowMicros();
        List<ThumbnailResult.Output> written = new ArrayList<>(outs.size());
        for (int i = 0; i < outs.size(); i++) {
            PixelBuffer o = outs.get(i);
            written.add(new ThumbnailResult.Output(o.width(), o.height(),
                    write(o, request.outputs().get(i), request.spec(), decoded.metadata())));
        }
        spans.add(StageSpan.since("encode", t));
        return result(decoded, written, spans);
    }

    /** The result of a job whose outputs {@code written} came from {@code decoded}. */
    public static ThumbnailResult result(Decoded decoded, List<ThumbnailResult.Output> written, List<StageSpan> spans) {
        ThumbnailResult.Output first = written.getFirst();
        return new ThumbnailResult(first.width(), first.height(), decoded.warnings(), spans,
                decoded.format(), decoded.fullWidth(), decoded.fullHeight(), written);
    }

    /**
     * Runs a small synthetic photo through the job in memory (JPEG encode, decode shrunk on load,
     * resize, encode), touching no file, so that whatever the first real images would pay once
     * (loading and binding libjpeg-turbo, initialising classes) is paid now. A worker JVM does this
     * while it waits for its first task: measured on 42 photos with one 2-thread worker, the first
     * images' decode took ~60 ms longer than later ones.
     */
    public static void warmUp() throws IOException {
        int w = 128, h = 96;
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) ((i * 7) ^ (i / (w * 3)) * 13);
        ThumbnailSpec d = ThumbnailSpec.defaults();
        ThumbnailSpec spec = new ThumbnailSpec(List.of(new BoxSize(16, 16)), d.fit(), d.filter(), d.format(), d.quality(),
                d.upscale(), d.autoRotate(), d.background(), d.maxPixels(), d.lenient());
        EncodeOptions jpeg = new EncodeOptions(OutputFormat.JPEG, spec.quality(), spec.background());
        Decoded decoded = decode(Codecs.encode(new PixelBuffer(w, h, 3, rgb), jpeg), spec);
        for (ResizePlan p : plan(decoded, spec)) Codecs.encode(Resampler.resize(decoded.pixels(), p.x(), p.y()), jpeg);
    }

    /** The input's bytes: from memory, or read from its file with a one-line reason on failure. */
    public static byte[] read(ThumbnailRequest request) throws IOException {
        if (request.bytes() != null) return request.bytes();
        Path f = request.file();
        try {
            if (Files.isDirectory(f)) throw new ImageDecodeException("is a directory, not an image file");
            if (!Files.isRegularFile(f) && Files.exists(f)) throw new ImageDecodeException("not a regular file");
            long size = Files.size(f);
            if (size > Integer.MAX_VALUE - 64 || size > MemoryBudget.capacity()) {
                throw new ImageDecodeException("file too large (" + size + " bytes)");
            }
            return Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            throw new ImageDecodeException("no such file");
        } catch (AccessDeniedException e) {
            throw new ImageDecodeException("permission denied");
        }
    }

    /** Decodes, shrinking on load as far as every requested size allows. */
    public static Decoded decode(byte[] bytes, ThumbnailSpec spec) throws ImageDecodeException {
        DecodeOptions opts = new DecodeOptions(0, 0, spec.maxPixels(), spec.lenient(), spec.autoRotate(),
                (w, h) -> minimumDecodedSize(w, h, spec), spec.keepMetadata(), spec.keepIcc());
        return Codecs.decode(bytes, opts);
    }

    /**
     * The smallest decoded size that still gives every requested output at least
     * {@link #SHRINK_ON_LOAD_MARGIN} decoded pixels per output pixel across its crop window, so the
     * final filter, not the decoder's DCT scaling, decides the quality (as libvips does).
     */
    static int[] minimumDecodedSize(int width, int height, ThumbnailSpec spec) {
        int minW = 0, minH = 0;
        for (BoxSize box : spec.sizes()) {
            FitPlan p;
            try {
                p = plan(width, height, box, spec);
            } catch (dev.gpupool.image.OutputTooLargeException e) {
                // Decoded whole, then refused by plan() with this reason (thrown here, the decoder would
                // take it for a corrupt image).
                return new int[]{width, height};
            }
            minW = Math.max(minW, (int) Math.ceil(SHRINK_ON_LOAD_MARGIN * p.outWidth() * (double) width / p.cropWidth()));
            minH = Math.max(minH, (int) Math.ceil(SHRINK_ON_LOAD_MARGIN * p.outHeight() * (double) height / p.cropHeight()));
        }
        return new int[]{Math.min(minW, width), Math.min(minH, height)};
    }

    /**
     * Refuses an output with more pixels than {@code --max-pixels} (which bounds inputs too): only
     * {@code --upscale} makes an output larger than its input.
     */
    private static FitPlan plan(int width, int height, BoxSize box, ThumbnailSpec spec) {
        FitPlan p;
        try {
            p = FitPlan.of(width, height, box.width(), box.height(), spec.fit(), spec.upscale());
        } catch (dev.gpupool.image.OutputTooLargeException e) {
            if (spec.maxPixels() >= FitPlan.MAX_OUTPUT_PIXELS) throw e;
            throw new dev.gpupool.image.OutputTooLargeException(e.width(), e.height(), spec.maxPixels(), "--max-pixels");
        }
        if ((long) p.outWidth() * p.outHeight() > spec.maxPixels()) {
            throw new dev.gpupool.image.OutputTooLargeException(p.outWidth(), p.outHeight(), spec.maxPixels(), "--max-pixels");
        }
        return p;
    }

    /**
     * One plan per requested size, for the pixels {@code decoded} actually holds. A cover crop's window is
     * chosen here, from those pixels (upright, shrunk on load), by the spec's {@link ThumbnailSpec#crop()}
     * for each size on its own, so the CPU and device engines resize the same windows.
     */
    public static List<ResizePlan> plan(Decoded decoded, ThumbnailSpec spec) {
        PixelBuffer px = decoded.pixels();
        List<ResizePlan> plans = new ArrayList<>(spec.sizes().size());
        double scale = FitPlan.decodeScale(decoded.fullWidth(), decoded.fullHeight(), px.width(), px.height());
        for (BoxSize box : spec.sizes()) {
            FitPlan fit = plan(decoded.fullWidth(), decoded.fullHeight(), box, spec);
            if (spec.fit() == Fit.COVER && box.width() > 0 && box.height() > 0) fit = SmartCrop.apply(fit, spec.crop(), px, scale);
            plans.add(new ResizePlan(box, fit, fit.weightsX(spec.filter(), px.width(), scale), fit.weightsY(spec.filter(), px.height(), scale)));
        }
        return plans;
    }

    /**
     * Encodes {@code pixels} in the format {@code target}'s extension names and writes it whole or not at
     * all; returns the length written.
     */
    public static long write(PixelBuffer pixels, Path target, ThumbnailSpec spec) throws IOException {
        return write(pixels, target, spec, ImageMetadata.NONE);
    }

    /** {@link #write(PixelBuffer, Path, ThumbnailSpec)} with the source's kept {@code metadata} written in. */
    public static long write(PixelBuffer pixels, Path target, ThumbnailSpec spec, ImageMetadata metadata) throws IOException {
        byte[] data = encode(pixels, formatOf(target), spec, metadata);
        AtomicFiles.writeOutput(target, data);
        return data.length;
    }

    /** {@code pixels} encoded as {@code format} with the spec's quality, background and encoding choices. */
    public static byte[] encode(PixelBuffer pixels, OutputFormat format, ThumbnailSpec spec) throws IOException {
        return Codecs.encode(pixels, spec.encodeOptions(format));
    }

    /** {@link #encode(PixelBuffer, OutputFormat, ThumbnailSpec)} with {@code metadata} (from {@link Decoded#metadata()}) written in. */
    public static byte[] encode(PixelBuffer pixels, OutputFormat format, ThumbnailSpec spec, ImageMetadata metadata) throws IOException {
        return Codecs.encode(pixels, spec.encodeOptions(format), metadata);
    }

    /** The output format an output path's extension names. */
    public static OutputFormat formatOf(Path target) {
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return OutputFormat.parse(dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
