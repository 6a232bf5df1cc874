package dev.gpupool.device.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PTX of the resize kernels, {@code kernels/resize.ptx} in the jar: generated from
 * {@code kernels/resize.cu} by {@code kernels/build-ptx.sh} (nvcc -ptx -arch=compute_75) and
 * committed, so builds without nvcc ship it too. The driver JIT-compiles it for the GPU at
 * {@code cuModuleLoadData}; a driver older than the PTX ISA refuses it.
 *
 * @param text the PTX as committed
 */
record Ptx(String text) {
    static final String RESOURCE = "kernels/resize.ptx";
    /** The sources build-ptx.sh hashes, in its order. */
    static final List<String> SOURCES = List.of("resize.cu", "gp_portable.h", "resize_body.h");
    private static final Pattern VERSION = Pattern.compile("(?m)^\\.version\\s+(\\d+)\\.(\\d+)\\s*$");
    private static final Pattern TARGET = Pattern.compile("(?m)^\\.target\\s+(\\S+)\\s*$");
    private static final Pattern ENTRY = Pattern.compile("(?m)^\\.visible\\s+\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern HASH = Pattern.compile("(?m)^// gpupool-source-sha256: ([0-9a-f]{64})\\s*$");

    private static volatile Ptx cached;

    /** The PTX from the class path (read once). */
    static Ptx load() throws IOException {
        Ptx p = cached;
        if (p == null) {
            try (InputStream in = Ptx.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) throw new IOException(RESOURCE + " is not on the class path (the jar was built without kernels/)");
                p = new Ptx(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
            cached = p;
        }
        return p;
    }

    /** The image for {@code cuModuleLoadData}: the text, NUL-terminated. */
    byte[] image() {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[t.length + 1];
        System.arraycopy(t, 0, b, 0, t.length);
        return b;
    }

    /** PTX ISA version, e.g. "9.0", or null when the file has no .version line. */
    String isaVersion() {
        Matcher m = VERSION.matcher(text);
        return m.find() ? m.group(1) + "." + m.group(2) : null;
    }

    /** The CUDA release that introduced this PTX ISA (so the oldest driver that loads it), e.g. "13.0"; for messages. */
    String minimumDriverCuda() {
        Matcher m = VERSION.matcher(text);
        if (!m.find()) return "unknown";
        int major = Integer.parseInt(m.group(1)), minor = Integer.parseInt(m.group(2));
        return switch (major) {
            case 9 -> "13." + minor;
            case 8 -> "12." + (minor >= 6 ? minor + 1 : minor); // ISA 8.6 came with CUDA 12.7, 8.7 with 12.8, 8.8 with 12.9
            case 7 -> "11." + minor;
            default -> "(PTX ISA " + major + "." + minor + ")";
        };
    }

    /** The .target line, e.g. "sm_75". */
    String target() {
        Matcher m = TARGET.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** Entry points with their parameter count, in file order. */
    List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        Matcher m = ENTRY.matcher(text);
        while (m.find()) {
            String params = m.group(2).strip();
            int n = params.isEmpty() ? 0 : params.split(",").length;
            out.add(new Entry(m.group(1), n));
        }
        return out;
    }

    record Entry(String name, int params) {
    }

    /** The sources' SHA-256 that build-ptx.sh recorded, or null. */
    String sourceHash() {
        Matcher m = HASH.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /**
     * The text without comment lines and trailing blanks: what must match nvcc's output exactly
     * (the header comments carry the compiler build and the source hash).
     */
    static String normalized(String ptx) {
        StringBuilder b = new StringBuilder();
        for (String line : ptx.split("\r?\n")) {
            String l = line.stripTrailing();
            if (l.stripLeading().startsWith("//") || l.isEmpty()) continue;
            b.append(l).append('\n');
        }
        return b.toString();
    }

    /** "release 13.0, V13.0.88" from nvcc's header comment (or `nvcc --version`), or null. */
    static String compilerRelease(String text) {
        Matcher m = Pattern.compile("release (\\d+\\.\\d+), (V[\\d.]+)").matcher(text);
        return m.find() ? m.group(0) : null;
    }
}
