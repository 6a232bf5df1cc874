package dev.gpupool.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code .entry} points of a PTX text and their parameter counts (checked before any GPU sees it). */
final class PtxEntries {
    private static final Pattern ENTRY = Pattern.compile("(?m)^\\s*\\.visible\\s+\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");

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
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            if (!m.group(1).equals(name)) continue;
            String params = m.group(2).strip();
            return params.isEmpty() ? 0 : params.split(",").length;
        }
        return -1;
    }
}
