package dev.gpupool.kernel;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One argument of a {@link Kernel} launch: a scalar passed by value, or a buffer (a primitive array or
 * a direct {@link ByteBuffer}) with its {@linkplain Access access}, which decides the copies a device
 * launch makes: {@code in} is uploaded only, {@code out} downloaded only, {@code inOut} both. The CPU
 * fallback works on the arrays and buffers themselves.
 *
 * <p>A {@code ByteBuffer} argument covers its bytes from position to limit, in the device's byte order
 * (use {@code ByteOrder.nativeOrder()}); its position and limit are not changed. Arguments are matched to
 * the kernel's parameters by position.
 */
public sealed interface Arg permits Arg.Scalar, Arg.Buffer {

    /** Which way a buffer's contents travel on a device launch. */
    enum Access {
        IN, OUT, IN_OUT;

        /** Whether the contents are copied to the device before the launch. */
        public boolean uploads() {
            return this != OUT;
        }

        /** Whether the device's contents are copied back after the launch. */
        public boolean downloads() {
            return this != IN;
        }
    }

    /** Element types of buffers, with their size in bytes. */
    enum Element {
        BYTE(1), INT(4), FLOAT(4), DOUBLE(8);

        private final int bytes;

        Element(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }

    /** A scalar: an {@link Integer}, {@link Long}, {@link Float} or {@link Double}. */
    record Scalar(Number value) implements Arg {
        public Scalar {
            Objects.requireNonNull(value, "value");
            if (!(value instanceof Integer || value instanceof Long || value instanceof Float || value instanceof Double)) {
                throw new IllegalArgumentException("a scalar is an int, long, float or double, not " + value.getClass().getSimpleName());
            }
        }

        /** Bytes the device reads for it: 4 for int and float, 8 for long and double. */
        public int bytes() {
            return value instanceof Integer || value instanceof Float ? 4 : 8;
        }

        @Override
        public String toString() {
            return typeName() + " " + value;
        }

        public String typeName() {
            return value instanceof Integer ? "int" : value instanceof Long ? "long" : value instanceof Float ? "float" : "double";
        }
    }

    /**
     * A buffer: {@code data} is a {@code float[]}, {@code int[]}, {@code byte[]}, {@code double[]} or a
     * direct {@link ByteBuffer}.
     */
    record Buffer(Object data, Access access) implements Arg {
        public Buffer {
            Objects.requireNonNull(data, "buffer");
            Objects.requireNonNull(access, "access");
            if (data instanceof ByteBuffer b) {
                if (!b.isDirect()) throw new IllegalArgumentException("a ByteBuffer argument must be direct (ByteBuffer.allocateDirect)");
                if (b.isReadOnly() && access.downloads()) throw new IllegalArgumentException("a read-only ByteBuffer can only be an in argument");
            } else if (!(data instanceof float[] || data instanceof int[] || data instanceof byte[] || data instanceof double[])) {
                throw new IllegalArgumentException("a buffer is a float[], int[], byte[], double[] or direct ByteBuffer, not "
                        + data.getClass().getSimpleName());
            }
        }

        /** The array's element type, or null for a ByteBuffer (which may hold any). */
        public Element element() {
            return switch (data) {
                case float[] a -> Element.FLOAT;
                case int[] a -> Element.INT;
                case byte[] a -> Element.BYTE;
                case double[] a -> Element.DOUBLE;
                default -> null;
            };
        }

        /** Size in bytes (a ByteBuffer's remaining bytes). */
        public long bytes() {
            return switch (data) {
                case float[] a -> 4L * a.length;
                case int[] a -> 4L * a.length;
                case byte[] a -> a.length;
                case double[] a -> 8L * a.length;
                case ByteBuffer b -> b.remaining();
                default -> throw new IllegalStateException();
            };
        }

        /** A view of a ByteBuffer argument from its position, at offset 0 (its own position untouched). */
        public ByteBuffer view() {
            ByteBuffer b = (ByteBuffer) data;
            return b.slice().order(b.order());
        }

        @Override
        public String toString() {
            String what = data instanceof ByteBuffer b ? "ByteBuffer[" + b.remaining() + " bytes]"
                    : element().name().toLowerCase(java.util.Locale.ROOT) + "[" + (bytes() / element().bytes()) + "]";
            return access.name().toLowerCase(java.util.Locale.ROOT).replace("_o", "O") + " " + what;
        }
    }

    static Arg scalar(int value) {
        return new Scalar(value);
    }

    static Arg scalar(long value) {
        return new Scalar(value);
    }

    static Arg scalar(float value) {
        return new Scalar(value);
    }

    static Arg scalar(double value) {
        return new Scalar(value);
    }

    /** Read by the kernel: uploaded, never copied back. */
    static Arg in(float[] a) {
        return new Buffer(a, Access.IN);
    }

    static Arg in(int[] a) {
        return new Buffer(a, Access.IN);
    }

    static Arg in(byte[] a) {
        return new Buffer(a, Access.IN);
    }

    static Arg in(double[] a) {
        return new Buffer(a, Access.IN);
    }

    static Arg in(ByteBuffer b) {
        return new Buffer(b, Access.IN);
    }

    /** Written by the kernel: not uploaded (the device buffer starts undefined), copied back. */
    static Arg out(float[] a) {
        return new Buffer(a, Access.OUT);
    }

    static Arg out(int[] a) {
        return new Buffer(a, Access.OUT);
    }

    static Arg out(byte[] a) {
        return new Buffer(a, Access.OUT);
    }

    static Arg out(double[] a) {
        return new Buffer(a, Access.OUT);
    }

    static Arg out(ByteBuffer b) {
        return new Buffer(b, Access.OUT);
    }

    /** Read and written by the kernel: uploaded and copied back. */
    static Arg inOut(float[] a) {
        return new Buffer(a, Access.IN_OUT);
    }

    static Arg inOut(int[] a) {
        return new Buffer(a, Access.IN_OUT);
    }

    static Arg inOut(byte[] a) {
        return new Buffer(a, Access.IN_OUT);
    }

    static Arg inOut(double[] a) {
        return new Buffer(a, Access.IN_OUT);
    }

    static Arg inOut(ByteBuffer b) {
        return new Buffer(b, Access.IN_OUT);
    }
}
