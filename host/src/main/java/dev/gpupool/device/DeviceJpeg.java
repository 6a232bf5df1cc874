package dev.gpupool.device;

import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.ResampleWeights;

import java.util.List;

/**
 * A device's JPEG codec: decodes a batch of JPEGs into device memory, resizes every requested size
 * there from that one decode, turns each thumbnail upright, and either encodes it as JPEG on the
 * device (only the encoded bytes come back) or downloads its pixels. A session offers one when its
 * device and libraries can ({@link DeviceSession#jpeg()}).
 *
 * <p>Contract of {@link #run}: one {@link Result} per job, in order. A job the device could not
 * decode (corrupt, or a kind its decoder refuses) gets a result with {@code outputs == null} and the
 * decoder's one-line reason: the caller decodes it on the CPU, which also words the error in strict
 * mode. A device failure (not the data's fault) is a {@link DeviceException} for the whole call.
 */
public interface DeviceJpeg {
    /**
     * One image: its JPEG file, its stored size (before the EXIF orientation) and that orientation
     * (1..8), one output per requested size, and the unsharp mask every output gets after its resize
     * (before the orientation), or null for none.
     */
    record Job(byte[] jpeg, int width, int height, int orientation, List<Output> outputs, dev.gpupool.image.Sharpen sharpen) {
        /** Without sharpening. */
        public Job(byte[] jpeg, int width, int height, int orientation, List<Output> outputs) {
            this(jpeg, width, height, orientation, outputs, null);
        }
    }

    /**
     * One output: weights over the STORED axes (so {@code x.inSize() == width}); the resized image is
     * {@code x.outSize() x y.outSize()} before the orientation turns it upright. With {@code quality}
     * 1..100 it is encoded as a baseline JPEG with {@code subsampling} ("420", "422" or "444") and
     * optimised Huffman tables; with quality 0 its upright pixels come back instead.
     */
    record Output(ResampleWeights x, ResampleWeights y, int quality, String subsampling) {
    }

    /** A job's outputs (each an encoded JPEG or upright RGB pixels, per its {@link Output#quality()}), or null and why. */
    record Result(List<Made> outputs, String notTaken) {
    }

    /** One output as made: exactly one of the two is set. */
    record Made(byte[] jpeg, PixelBuffer pixels) {
    }

    /** The decoder as the report names it: {@code nvjpeg-hardware}, {@code nvjpeg-cuda}. */
    String decoderName();

    /** The encoder as the report names it: {@code nvjpeg-cuda}. */
    String encoderName();

    /** Source bytes (decoded RGB) one call may hold on the device: a larger image is the CPU's. */
    long maxSourceBytes();

    /**
     * What one {@link #run} did: a result per job, and the device time of each stage over the whole call
     * (decode: staging and decoding; resize: the resize and orientation kernels; encode: encoding, the
     * downloads and bringing the bitstreams back), each measured to a synchronisation of the device.
     */
    record Run(List<Result> results, long decodeNanos, long resizeNanos, long encodeNanos) {
    }

    /** A batch submitted and not yet collected. */
    interface Pending {
    }

    /**
     * Queues the whole pipeline of {@code jobs} on the device and returns without waiting for it, so the
     * caller can prepare (and submit) the next batch while this one runs. At most two batches may be
     * pending at once: collect the older before submitting a third.
     */
    Pending submit(List<Job> jobs) throws DeviceException;

    /** Waits for a submitted batch and returns what it made; see the class comment. */
    Run collect(Pending pending) throws DeviceException;

    /** Submits and collects {@code jobs}. */
    default Run run(List<Job> jobs) throws DeviceException {
        return collect(submit(jobs));
    }
}
