package dev.gpupool.cli;

/**
 * Text made safe for one line on a terminal or in a log: whatever a file name holds, it can neither end
 * the line it is printed on (and so forge a {@code FAILED} or summary line) nor send control sequences to
 * the terminal. A line feed becomes {@code \n}, a carriage return {@code \r}, a tab {@code \t}, any other
 * C0 control, DEL or C1 control {@code \xNN} (two hex digits), and U+2028/U+2029 (line and paragraph
 * separators) {@code \u2028}/{@code \u2029}; everything else, backslashes and non-ASCII letters
 * included, is printed as it is. (The JSON report escapes names by JSON's own rules.)
 */
final class Printable {
    private Printable() {
    }

    /** {@code s} escaped as the class comment says; null stays "null". */
    static String escape(String s) {
        if (s == null) return "null";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '\u2028', '\u2029' -> String.format("\\u%04x", (int) c);
                default -> c < 0x20 || c >= 0x7f && c <= 0x9f ? String.format("\\x%02x", (int) c) : null;
            };
            if (rep != null && b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (b != null) {
                if (rep != null) b.append(rep);
                else b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
