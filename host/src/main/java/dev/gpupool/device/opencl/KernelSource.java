package dev.gpupool.device.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a device source from the jar's {@code kernels/} folder and inlines its {@code #include "x"}
 * lines (from the same folder), so the driver gets one self-contained string and no include path.
 * Public for {@code dev.gpupool.kernel}, which loads user and example kernels the same way.
 */
public final class KernelSource {
    private static final Pattern INCLUDE = Pattern.compile("^\\s*#\\s*include\\s+\"([A-Za-z0-9_.\\-]+)\"\\s*$");

    private KernelSource() {
    }

    /** {@code kernels/<name>} from the class path with its includes inlined; names may contain folders ({@code examples/saxpy.cl}). */
    public static String load(String name) throws IOException {
        StringBuilder out = new StringBuilder();
        inline(name, out, new HashSet<>());
        return out.toString();
    }

    private static void inline(String name, StringBuilder out, Set<String> seen) throws IOException {
        if (!seen.add(name)) return; // every header has include guards; inlining once is enough
        String text;
        try (InputStream in = KernelSource.class.getClassLoader().getResourceAsStream("kernels/" + name)) {
            if (in == null) throw new IOException("kernel source kernels/" + name + " is not on the class path");
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String line : text.split("\n", -1)) {
            Matcher m = INCLUDE.matcher(line);
            if (m.matches()) {
                out.append("/* ---- begin ").append(m.group(1)).append(" ---- */\n");
                inline(m.group(1), out, seen);
                out.append("/* ---- end ").append(m.group(1)).append(" ---- */\n");
            } else {
                out.append(line).append('\n');
            }
        }
    }
}
