package dev.gpupool.kernel;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;

/**
 * A declared kernel parameter, checked against each launch's {@link Arg} before anything runs: a
 * scalar type, or a buffer's element type and the number of elements it needs per work item (so
 * {@code Param.floats(1)} needs at least {@code globalSize} floats; 0 means no minimum). A direct
 * {@link ByteBuffer} fits any buffer parameter when its size is a whole number of elements.
 *
 * @param kind       what the argument must be
 * @param perItem    buffers: elements needed per work item; scalars: 0
 */
public record Param(Kind kind, int perItem) {

    /** Parameter kinds. */
    public enum Kind {
        INT, LONG, FLOAT, DOUBLE, INTS, FLOATS, BYTES, DOUBLES;

        boolean isBuffer() {
            return ordinal() >= INTS.ordinal();
        }

        Arg.Element element() {
            return switch (this) {
                case INTS -> Arg.Element.INT;
                case FLOATS -> Arg.Element.FLOAT;
                case BYTES -> Arg.Element.BYTE;
                case DOUBLES -> Arg.Element.DOUBLE;
                default -> null;
            };
        }
    }

    public Param {
        if (kind == null) throw new IllegalArgumentException("kind is null");
        if (perItem < 0 || (!kind.isBuffer() && perItem != 0)) throw new IllegalArgumentException("bad elements per item: " + perItem);
    }

    public static Param i32() {
        return new Param(Kind.INT, 0);
    }

    public static Param i64() {
        return new Param(Kind.LONG, 0);
    }

    public static Param f32() {
        return new Param(Kind.FLOAT, 0);
    }

    public static Param f64() {
        return new Param(Kind.DOUBLE, 0);
    }

    /** A buffer of floats, at least {@code perItem * globalSize} of them. */
    public static Param floats(int perItem) {
        return new Param(Kind.FLOATS, perItem);
    }

    public static Param ints(int perItem) {
        return new Param(Kind.INTS, perItem);
    }

    public static Param bytes(int perItem) {
        return new Param(Kind.BYTES, perItem);
    }

    public static Param doubles(int perItem) {
        return new Param(Kind.DOUBLES, perItem);
    }

    /** Checks {@code args} against {@code params} for a launch of {@code globalSize} items. */
    static void check(String kernel, List<Param> params, int globalSize, List<Arg> args) {
        if (args.size() != params.size()) {
            throw new IllegalArgumentException(kernel + " takes " + params.size() + " arguments " + params + ", got " + args.size());
        }
        for (int i = 0; i < params.size(); i++) params.get(i).check(kernel, i, globalSize, args.get(i));
    }

    private void check(String kernel, int index, int globalSize, Arg arg) {
        String where = kernel + " argument " + index;
        if (!kind.isBuffer()) {
            if (!(arg instanceof Arg.Scalar s) || !s.typeName().equals(toString())) {
                throw new IllegalArgumentException(where + " must be " + this + ", not " + arg);
            }
            return;
        }
        if (!(arg instanceof Arg.Buffer b)) throw new IllegalArgumentException(where + " must be a " + this + " buffer, not " + arg);
        int size = kind.element().bytes();
        if (b.data() instanceof ByteBuffer) {
            if (b.bytes() % size != 0) {
                throw new IllegalArgumentException(where + ": the ByteBuffer's " + b.bytes() + " bytes are not a whole number of "
                        + size + "-byte elements");
            }
        } else if (b.element() != kind.element()) {
            throw new IllegalArgumentException(where + " must be a " + this + " buffer, not " + arg);
        }
        long have = b.bytes() / size, need = (long) perItem * globalSize;
        if (have < need) {
            throw new IllegalArgumentException(where + " holds " + have + " elements; " + globalSize + " work items need "
                    + need + " (" + perItem + " each)");
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case INT, LONG, FLOAT, DOUBLE -> kind.name().toLowerCase(Locale.ROOT);
            default -> kind.element().name().toLowerCase(Locale.ROOT) + "[" + (perItem == 0 ? "" : perItem + "/item") + "]";
        };
    }
}
