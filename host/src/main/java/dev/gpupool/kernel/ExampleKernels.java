package dev.gpupool.kernel;

/**
 * The example kernels shipped in {@code kernels/examples/}: each is one body in {@code <name>.cl}
 * written against {@code gp_portable.h} (its CUDA build, {@code <name>.ptx}, comes from {@code <name>.cu}
 * by {@code kernels/build-example-ptx.sh}), with the Java fallback here. The device bodies use
 * unfused, round-to-nearest float operations in the same order as the Java code, so every backend
 * gives the same bits.
 */
public final class ExampleKernels {
    private ExampleKernels() {
    }

    /** {@code saxpy(int n, float a, float[] x, float[] y)}: {@code y[i] = a * x[i] + y[i]}; launch with n items. */
    public static Kernel saxpy() {
        return Kernel.named("saxpy")
                .params(Param.i32(), Param.f32(), Param.floats(1), Param.floats(1))
                .openCl(Kernel.resource("examples/saxpy.cl"))
                .cudaPtx(Kernel.resource("examples/saxpy.ptx"))
                .cpu((r, a) -> saxpy(a.f32(1), a.floats(2), a.floats(3), r.start(), r.end()))
                .build();
    }

    /** {@code grey(int n, byte[] rgb, byte[] out)}: packed RGB to 8-bit luma; launch with n pixels. */
    public static Kernel grey() {
        return Kernel.named("grey")
                .params(Param.i32(), Param.bytes(3), Param.bytes(1))
                .openCl(Kernel.resource("examples/grey.cl"))
                .cudaPtx(Kernel.resource("examples/grey.ptx"))
                .cpu((r, a) -> {
                    if (a.isByteBuffer(1)) greyBuffers(a, r);
                    else grey(a.bytes(1), a.bytes(2), r.start(), r.end());
                })
                .build();
    }

    /**
     * {@code blur(int width, int height, int radius, float[] weights, float[] src, float[] dst)}: a
     * Gaussian blur of a float image; launch with width * height items; {@code weights} from
     * {@link #gaussianWeights}.
     */
    public static Kernel blur() {
        return Kernel.named("blur")
                .params(Param.i32(), Param.i32(), Param.i32(), Param.floats(0), Param.floats(1), Param.floats(1))
                .openCl(Kernel.resource("examples/blur.cl"))
                .cudaPtx(Kernel.resource("examples/blur.ptx"))
                .cpu((r, a) -> blur(a.i32(0), a.i32(1), a.i32(2), a.floats(3), a.floats(4), a.floats(5), r.start(), r.end()))
                .build();
    }

    // --------------------------------------------------------------------------- Java fallbacks

    public static void saxpy(float a, float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = a * x[i] + y[i];
    }

    public static void grey(byte[] rgb, byte[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = luma(rgb[3 * i] & 0xFF, rgb[3 * i + 1] & 0xFF, rgb[3 * i + 2] & 0xFF);
        }
    }

    static byte luma(int r, int g, int b) {
        return (byte) ((77 * r + 150 * g + 29 * b + 128) >> 8);
    }

    /** grey on direct ByteBuffers (the same bytes, absolute indexing from each buffer's position). */
    private static void greyBuffers(KernelArgs a, Range r) {
        java.nio.ByteBuffer rgb = a.buffer(1), out = a.buffer(2);
        for (int i = r.start(); i < r.end(); i++) {
            out.put(i, luma(rgb.get(3 * i) & 0xFF, rgb.get(3 * i + 1) & 0xFF, rgb.get(3 * i + 2) & 0xFF));
        }
    }

    public static void blur(int width, int height, int radius, float[] weights, float[] src, float[] dst, int from, int to) {
        for (int i = from; i < to; i++) {
            int x = i % width, y = i / width;
            float acc = 0f;
            for (int dy = -radius; dy <= radius; dy++) {
                int row = clamp(y + dy, height - 1) * width;
                float wy = weights[dy + radius];
                for (int dx = -radius; dx <= radius; dx++) {
                    float w = wy * weights[dx + radius];
                    acc = acc + w * src[row + clamp(x + dx, width - 1)];
                }
            }
            dst[i] = acc;
        }
    }

    private static int clamp(int v, int hi) {
        return v < 0 ? 0 : Math.min(v, hi);
    }

    /** The 2 * radius + 1 taps of a normalised 1-D Gaussian with standard deviation {@code sigma}. */
    public static float[] gaussianWeights(int radius, double sigma) {
        if (radius < 0 || !(sigma > 0)) throw new IllegalArgumentException("radius >= 0 and sigma > 0 needed");
        double[] w = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) sum += w[i + radius] = Math.exp(-(double) i * i / (2 * sigma * sigma));
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) out[i] = (float) (w[i] / sum);
        return out;
    }
}
