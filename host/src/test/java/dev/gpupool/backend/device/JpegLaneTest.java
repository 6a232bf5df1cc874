package dev.gpupool.backend.device;

import dev.gpupool.codec.Codecs;
import dev.gpupool.codec.EncodeOptions;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.codec.Subsample;
import dev.gpupool.device.DeviceJpeg;
import dev.gpupool.image.Crop;
import dev.gpupool.image.Fit;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.job.BoxSize;
import dev.gpupool.job.ThumbnailRequest;
import dev.gpupool.job.ThumbnailSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which JPEGs the device's JPEG lane takes, and the plans it makes for them (no device needed). */
class JpegLaneTest {
    /** A codec that holds at most {@code maxSource} bytes and must never be run here. */
    private static DeviceJpeg codec(long maxSource) {
        return new DeviceJpeg() {
            public String decoderName() { return "test"; }
            public String encoderName() { return "test"; }
            public long maxSourceBytes() { return maxSource; }
            public Pending submit(List<Job> jobs) { throw new AssertionError("the policy must not run the codec"); }
            public Run collect(Pending p) { throw new AssertionError("the policy must not run the codec"); }
        };
    }

    private static final DeviceJpeg BIG = codec(1L << 30);

    private static byte[] jpeg(int w, int h, Subsample s, boolean progressive, int channels) throws IOException {
        byte[] px = new byte[w * h * channels];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 31 + i / 7);
        return Codecs.encode(new PixelBuffer(w, h, channels, px), new EncodeOptions(OutputFormat.JPEG, 85, 0xFFFFFF, progressive, s, false));
    }

    static byte[] withOrientation(byte[] jpeg, int orientation) {
        return dev.gpupool.TestImages.withExifOrientation(jpeg, orientation);
    }

    private static ThumbnailRequest request(ThumbnailSpec spec, String... outputs) {
        return new ThumbnailRequest("in.jpg", null, new byte[1], Arrays.stream(outputs).map(Path::of).toList(), spec);
    }

    private static ThumbnailSpec spec(int w, int h) {
        ThumbnailSpec d = ThumbnailSpec.defaults();
        return new ThumbnailSpec(List.of(new BoxSize(w, h)), d.fit(), d.filter(), d.format(), d.quality(), d.upscale(),
                d.autoRotate(), d.background(), d.maxPixels(), d.lenient());
    }

    @Test
    void baselineColourJpegsAreTakenWithPlansOverTheStoredAxes() throws IOException {
        for (Subsample s : new Subsample[]{Subsample.S420, Subsample.S422, Subsample.S444}) {
            byte[] b = jpeg(96, 64, s, false, 3);
            JpegLane.Taken t = JpegLane.take(b, request(spec(48, 48), "a.jpg"), BIG);
            assertNotNull(t, s.toString());
            DeviceJpeg.Job job = t.job();
            assertEquals(96, job.width());
            assertEquals(64, job.height());
            assertEquals(1, job.orientation());
            DeviceJpeg.Output o = job.outputs().getFirst();
            assertEquals(96, o.x().inSize());
            assertEquals(48, o.x().outSize());
            assertEquals(32, o.y().outSize());
            assertEquals(0, o.quality(), "a small JPEG thumbnail is encoded on the CPU threads (auto)");
        }
    }

    @Test
    void aTransposingOrientationSwapsTheAxesOfThePlan() throws IOException {
        byte[] b = withOrientation(jpeg(96, 64, Subsample.S420, false, 3), 6);
        JpegLane.Taken t = JpegLane.take(b, request(spec(48, 48), "a.jpg"), BIG);
        assertNotNull(t);
        assertEquals(6, t.job().orientation());
        assertEquals(64, t.uprightWidth());
        assertEquals(96, t.uprightHeight());
        DeviceJpeg.Output o = t.job().outputs().getFirst();
        assertEquals(96, o.x().inSize(), "weights over the stored width");
        assertEquals(48, o.x().outSize(), "the upright height, 48, is along the stored x axis");
        assertEquals(32, o.y().outSize());
        assertEquals(32, JpegLane.outputSize(o, 6)[0]);
        assertEquals(48, JpegLane.outputSize(o, 6)[1]);
    }

    @Test
    void whatTheDeviceCannotDecodeExactlyStaysOnTheCpu() throws IOException {
        ThumbnailRequest r = request(spec(48, 48), "a.jpg");
        assertNull(JpegLane.take(jpeg(96, 64, Subsample.S420, true, 3), r, BIG), "progressive");
        assertNull(JpegLane.take(jpeg(96, 64, Subsample.S420, false, 1), r, BIG), "grey");
        assertNull(JpegLane.take(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0}, r, BIG), "not a JPEG");
        assertNull(JpegLane.take(jpeg(96, 64, Subsample.S420, false, 3), r, codec(96 * 64 * 3 - 1)), "over the codec's memory");
        ThumbnailSpec d = spec(48, 48);
        ThumbnailSpec small = new ThumbnailSpec(d.sizes(), d.fit(), d.filter(), d.format(), d.quality(), d.upscale(), d.autoRotate(),
                d.background(), 96 * 64 - 1, d.lenient());
        assertNull(JpegLane.take(jpeg(96, 64, Subsample.S420, false, 3), request(small, "a.jpg"), BIG), "over --max-pixels: the CPU words the error");
    }

    @Test
    void strictModeSendsATruncatedFileToTheCpuWhichFailsItLenientModeKeepsIt() throws IOException {
        byte[] b = jpeg(96, 64, Subsample.S420, false, 3);
        byte[] cut = Arrays.copyOf(b, b.length - 40);
        assertNull(JpegLane.take(cut, request(spec(48, 48), "a.jpg"), BIG));
        ThumbnailSpec d = spec(48, 48);
        ThumbnailSpec lenient = new ThumbnailSpec(d.sizes(), d.fit(), d.filter(), d.format(), d.quality(), d.upscale(), d.autoRotate(),
                d.background(), d.maxPixels(), true);
        assertNotNull(JpegLane.take(cut, request(lenient, "a.jpg"), BIG), "lenient: the device tries; the CPU gets it if nvJPEG refuses");
        assertTrue(JpegLane.endsWithEoi(b));
        byte[] padded = Arrays.copyOf(b, b.length + 3);
        assertTrue(JpegLane.endsWithEoi(padded), "zero padding after EOI is fine");
    }

    @Test
    void cropsThatNeedPixelsOrATurnedWindowStayOnTheCpu() throws IOException {
        ThumbnailSpec d = spec(40, 40);
        ThumbnailSpec cover = new ThumbnailSpec(d.sizes(), Fit.COVER, d.filter(), d.format(), d.quality(), d.upscale(), d.autoRotate(),
                d.background(), d.maxPixels(), d.lenient());
        byte[] b = jpeg(96, 64, Subsample.S420, false, 3);
        assertNotNull(JpegLane.take(b, request(cover, "a.jpg"), BIG), "a centre crop of an upright image");
        assertNull(JpegLane.take(b, request(cover.withCrop(Crop.ENTROPY), "a.jpg"), BIG), "entropy needs the pixels");
        assertNull(JpegLane.take(withOrientation(b, 3), request(cover, "a.jpg"), BIG), "a rotated crop window");
        assertNotNull(JpegLane.take(withOrientation(b, 3), request(d, "a.jpg"), BIG), "rotated, uncropped");
    }

    @Test
    void nonJpegAndProgressiveOutputsComeBackAsPixels() throws IOException {
        byte[] b = jpeg(96, 64, Subsample.S420, false, 3);
        ThumbnailSpec d = ThumbnailSpec.defaults();
        ThumbnailSpec two = new ThumbnailSpec(List.of(new BoxSize(48, 48), new BoxSize(24, 24)), d.fit(), d.filter(), d.format(),
                d.quality(), d.upscale(), d.autoRotate(), d.background(), d.maxPixels(), d.lenient());
        JpegLane.Taken t = JpegLane.take(b, request(two, "a.png", "b.jpg"), BIG);
        assertNotNull(t);
        assertEquals(0, t.job().outputs().get(0).quality(), "PNG: pixels back, encoded on the CPU");
        System.setProperty("gpupool.gpuEncode", "on");
        try {
            JpegLane.Taken on = JpegLane.take(b, request(two, "a.png", "b.jpg"), BIG);
            assertEquals(0, on.job().outputs().get(0).quality(), "PNG is never nvJPEG's");
            assertEquals(85, on.job().outputs().get(1).quality(), "GPUPOOL_GPU_ENCODE=on: every JPEG output on the device");
        } finally {
            System.clearProperty("gpupool.gpuEncode");
        }
        ThumbnailSpec prog = new ThumbnailSpec(d.sizes(), d.fit(), d.filter(), d.format(), d.quality(), d.upscale(), d.autoRotate(),
                d.background(), d.maxPixels(), d.lenient(), true, Subsample.AUTO, false);
        assertEquals(0, JpegLane.take(b, request(prog, "a.jpg"), BIG).job().outputs().getFirst().quality(),
                "progressive output is libjpeg-turbo's");
    }

    @Test
    void autoEncodesLargeOutputsOnTheDeviceAndThumbnailsOnTheCpu() throws IOException {
        byte[] b = jpeg(2400, 1800, Subsample.S420, false, 3);
        ThumbnailSpec d = ThumbnailSpec.defaults();
        ThumbnailSpec two = new ThumbnailSpec(List.of(new BoxSize(1600, 1600), new BoxSize(256, 256)), d.fit(), d.filter(), d.format(),
                d.quality(), d.upscale(), d.autoRotate(), d.background(), d.maxPixels(), d.lenient());
        JpegLane.Taken t = JpegLane.take(b, request(two, "big.jpg", "small.jpg"), BIG);
        assertEquals(85, t.job().outputs().get(0).quality(), "1600x1200 = 1.9 MP: nvJPEG on the device");
        assertEquals(0, t.job().outputs().get(1).quality(), "256x192: libjpeg-turbo on a CPU thread");
        assertTrue(JpegLane.encodeOnDevice(JpegLane.DEVICE_ENCODE_MIN_PIXELS));
        assertTrue(!JpegLane.encodeOnDevice(JpegLane.DEVICE_ENCODE_MIN_PIXELS - 1));
    }

    @Test
    void theLaneTakesImagesOnlyWhileItsBacklogHasRoom() {
        assertTrue(JpegLane.hasRoom(0));
        assertTrue(JpegLane.hasRoom(JpegLane.BACKLOG_PIXELS - 1));
        assertTrue(!JpegLane.hasRoom(JpegLane.BACKLOG_PIXELS), "a full backlog: the CPU threads decode the next images");
    }
}
