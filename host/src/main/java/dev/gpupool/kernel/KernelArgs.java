package dev.gpupool.kernel;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A launch's arguments as a {@link CpuBody} sees them, by position: scalars by value, arrays and
 * {@link ByteBuffer}s themselves (writes land in the caller's memory). Asking for the wrong type throws
 * {@link IllegalArgumentException} naming the argument.
 */
public final class KernelArgs {
    private final String kernel;
    private final List<Arg> args;

    KernelArgs(String kernel, List<Arg> args) {
        this.kernel = kernel;
        this.args = List.copyOf(args);
    }

    public int size() {
        return args.size();
    }

    public int i32(int index) {
        return (Integer) scalar(index, Integer.class, "int");
    }

    public long i64(int index) {
        return (Long) scalar(index, Long.class, "long");
    }

    public float f32(int index) {
        return (Float) scalar(index, Float.class, "float");
    }

    public double f64(int index) {
        return (Double) scalar(index, Double.class, "double");
    }

    public float[] floats(int index) {
        return array(index, float[].class);
    }

    public int[] ints(int index) {
        return array(index, int[].class);
    }

    public byte[] bytes(int index) {
        return array(index, byte[].class);
    }

    public double[] doubles(int index) {
        return array(index, double[].class);
    }

    /** Whether argument {@code index} is a {@code ByteBuffer} (rather than an array or a scalar). */
    public boolean isByteBuffer(int index) {
        return arg(index) instanceof Arg.Buffer b && b.data() instanceof ByteBuffer;
    }

    /** A {@code ByteBuffer} argument as a view starting at its position (index 0), in its byte order. */
    public ByteBuffer buffer(int index) {
        Arg a = arg(index);
        if (a instanceof Arg.Buffer b && b.data() instanceof ByteBuffer) return b.view();
        throw wrong(index, "ByteBuffer", a);
    }

    private Arg arg(int index) {
        if (index < 0 || index >= args.size()) {
            throw new IllegalArgumentException(kernel + " has " + args.size() + " arguments; there is no argument " + index);
        }
        return args.get(index);
    }

    private Object scalar(int index, Class<?> type, String name) {
        Arg a = arg(index);
        if (a instanceof Arg.Scalar s && type.isInstance(s.value())) return s.value();
        throw wrong(index, name, a);
    }

    private <T> T array(int index, Class<T> type) {
        Arg a = arg(index);
        if (a instanceof Arg.Buffer b && type.isInstance(b.data())) return type.cast(b.data());
        throw wrong(index, type.getSimpleName(), a);
    }

    private IllegalArgumentException wrong(int index, String wanted, Arg got) {
        return new IllegalArgumentException(kernel + " argument " + index + " is " + got + ", not " + wanted);
    }
}
