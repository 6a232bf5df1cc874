package dev.gpupool.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code .entry} points of a PTX text and their parameters' types, checked before any GPU sees
 * them: {@code cuLaunchKernel} copies exactly each parameter's width from the pointer it is given, so
 * an {@code int} passed where the PTX declares {@code .u64} would hand the kernel four bytes of
 * garbage. Public for the device backends.
 */
public final class PtxEntries {
    private static final Pattern ENTRY = Pattern.compile("(?m)^\\s*\\.visible\\s+\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    /** One parameter: {@code .param .u64 .ptr .global .align 4 name} or {@code .param .f32 name}. */
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.([busf])(8|16|32|64)\\b");

    private PtxEntries() {
    }

    static boolean has(String ptx) {
        return ENTRY.matcher(ptx).find();
    }

    static List<String> names(String ptx) {
        List<String> out = new ArrayList<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /** Parameters of entry {@code name}, or -1 when there is no such entry. */
    static int paramCount(String ptx, String name) {
        List<String> types = paramTypes(ptx, name);
        return types == null ? -1 : types.size();
    }

    /** The PTX types of entry {@code name}'s parameters in order ({@code "u64"}, {@code "s32"}, {@code "f32"}), or null when there is no such entry. */
    public static List<String> paramTypes(String ptx, String name) {
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            if (!m.group(1).equals(name)) continue;
            List<String> types = new ArrayList<>();
            String params = m.group(2).strip();
            if (params.isEmpty()) return types;
            for (String p : params.split(",")) {
                Matcher t = PARAM.matcher(p);
                types.add(t.find() ? t.group(1) + t.group(2) : p.strip()); // an unparsed type fails every width check below
            }
            return types;
        }
        return null;
    }

    /** Bytes of a PTX parameter type ({@code u64}: 8), or -1 when it is not a plain scalar type. */
    static int width(String type) {
        return switch (type) {
            case "b8", "u8", "s8" -> 1;
            case "b16", "u16", "s16", "f16" -> 2;
            case "b32", "u32", "s32", "f32" -> 4;
            case "b64", "u64", "s64", "f64" -> 8;
            default -> -1;
        };
    }

    /**
     * Why {@code arg} cannot be passed as PTX parameter {@code index} of type {@code type}, or null
     * when it fits: a buffer is a 64-bit device pointer; a scalar must have the parameter's width and
     * kind (an {@code int} for {@code .s32}/{@code .u32}/{@code .b32}, a {@code float} for {@code .f32}, ...).
     */
    public static String mismatch(String kernel, int index, String type, Arg arg) {
        String fits = switch (arg) {
            case Arg.Buffer b -> type.equals("u64") || type.equals("b64") || type.equals("s64") ? null : "a buffer (a 64-bit device pointer)";
            case Arg.Scalar s -> {
                int w = width(type);
                boolean isFloat = s.value() instanceof Float || s.value() instanceof Double;
                boolean kindOk = type.startsWith("f") ? isFloat : type.startsWith("b") || !isFloat;
                yield w == s.bytes() && kindOk ? null : (s.typeName().equals("int") ? "an " : "a ") + s.typeName() + " (" + s.bytes() + " bytes)";
            }
        };
        if (fits == null) return null;
        return "parameter " + index + " of " + kernel + " is ." + type + (width(type) > 0 ? " (" + width(type) + " bytes)" : "")
                + " in the PTX, but the launch passes " + fits;
    }

    /** The PTX type a declared {@link Param} needs, for messages and the build-time check ({@code "u64"} for buffers). */
    static boolean declaredFits(Param p, String type) {
        return switch (p.kind()) {
            case INT -> width(type) == 4 && !type.startsWith("f");
            case LONG -> width(type) == 8 && !type.startsWith("f");
            case FLOAT -> type.equals("f32") || type.equals("b32");
            case DOUBLE -> type.equals("f64") || type.equals("b64");
            default -> type.equals("u64") || type.equals("b64") || type.equals("s64");
        };
    }

    static String describe(Param p) {
        return p.kind().name().toLowerCase(Locale.ROOT);
    }
}
