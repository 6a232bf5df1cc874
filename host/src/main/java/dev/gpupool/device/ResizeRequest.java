package dev.gpupool.device;

import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.ResampleWeights;

/** One image of a device batch: its pixels and the weights of each axis ({@code x.inSize() == src.width()}). */
public record ResizeRequest(PixelBuffer src, ResampleWeights x, ResampleWeights y) {
    public ResizeRequest {
        if (x.inSize() != src.width() || y.inSize() != src.height()) {
            throw new IllegalArgumentException("weights for " + x.inSize() + "x" + y.inSize() + " applied to " + src);
        }
    }
}
