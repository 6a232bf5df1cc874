package dev.gpupool.device;

import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.ResampleWeights;
import dev.gpupool.image.Sharpen;

/**
 * One image of a device batch: its pixels, the weights of each axis ({@code x.inSize() == src.width()}),
 * and the unsharp mask to apply to the result, or null for none. A resizer whose
 * {@link DeviceResizer#sharpens()} is false ignores {@code sharpen}; its caller applies it on the CPU.
 */
public record ResizeRequest(PixelBuffer src, ResampleWeights x, ResampleWeights y, Sharpen sharpen) {
    public ResizeRequest {
        if (x.inSize() != src.width() || y.inSize() != src.height()) {
            throw new IllegalArgumentException("weights for " + x.inSize() + "x" + y.inSize() + " applied to " + src);
        }
    }

    /** Without sharpening. */
    public ResizeRequest(PixelBuffer src, ResampleWeights x, ResampleWeights y) {
        this(src, x, y, null);
    }
}
