package dev.gpupool.codec;

import dev.gpupool.image.PixelBuffer;

/** Test access to the CPU path's package-private {@link Orientation} (the reference the device kernel must equal). */
public final class OrientationAccess {
    private OrientationAccess() {
    }

    public static PixelBuffer apply(PixelBuffer px, int orientation) {
        return Orientation.apply(px, orientation);
    }

    public static boolean transposes(int orientation) {
        return Orientation.transposes(orientation);
    }
}
