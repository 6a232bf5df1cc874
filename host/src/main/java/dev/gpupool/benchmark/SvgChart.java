package dev.gpupool.benchmark;

import java.util.List;
import java.util.Locale;

/**
 * {@code bench.svg}: one bar per contender, the median images/s, with a whisker from the slowest to
 * the fastest measured round and the value and speed-up written above; the title names the machine.
 * Plain SVG 1.1 written by hand, no scripts or external references.
 */
public final class SvgChart {
    private SvgChart() {
    }

    static final int WIDTH = 760, HEIGHT = 460, LEFT = 70, RIGHT = 20, TOP = 90, BOTTOM = 90;

    public static String render(BenchResult r) {
        List<ContenderResult> cs = r.contenders();
        double top = 0;
        for (ContenderResult c : cs) top = Math.max(top, Math.max(Stats.max(c.imagesPerSecond()), c.medianImagesPerSecond()));
        double scaleMax = niceCeiling(top > 0 && !Double.isNaN(top) ? top * 1.15 : 1);
        int plotW = WIDTH - LEFT - RIGHT, plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder s = new StringBuilder();
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">%s</text>%n", LEFT,
                esc(String.format(Locale.ROOT, "gpupool bench: %d images (%.0f MP) to %d px, images/s (higher is better)", r.images(), r.sourceMegapixels(), r.box()))));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"44\" fill=\"#444444\">%s</text>%n", LEFT,
                esc(r.machine().oneLine())));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"62\" fill=\"#444444\">%s</text>%n", LEFT,
                esc("bars: median of " + r.rounds() + " measured rounds after " + r.warmup() + " warm-up; whiskers: slowest to fastest round")));
        // axis and grid
        for (int i = 0; i <= 5; i++) {
            double v = scaleMax * i / 5;
            double y = TOP + plotH - plotH * i / 5.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>%n", LEFT, y, LEFT + plotW, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444444\">%s</text>%n", LEFT - 6, y + 4, axisNum(v, scaleMax / 5)));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000000\"/>%n", LEFT, TOP, LEFT, TOP + plotH));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000000\"/>%n", LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
        s.append(String.format(Locale.ROOT, "<text transform=\"translate(18,%d) rotate(-90)\" text-anchor=\"middle\" fill=\"#444444\">images/s</text>%n", TOP + plotH / 2));
        int n = Math.max(1, cs.size());
        double slot = (double) plotW / n, barW = Math.min(90, slot * 0.6);
        for (int i = 0; i < cs.size(); i++) {
            ContenderResult c = cs.get(i);
            double cx = LEFT + slot * (i + 0.5);
            double med = c.medianImagesPerSecond(), lo = Stats.min(c.imagesPerSecond()), hi = Stats.max(c.imagesPerSecond());
            double yMed = y(med, scaleMax, plotH), yLo = y(lo, scaleMax, plotH), yHi = y(hi, scaleMax, plotH);
            String fill = c.peer() ? "#9e9e9e" : "#2e7d32";
            s.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>%n",
                    cx - barW / 2, yMed, barW, TOP + plotH - yMed, fill,
                    esc(String.format(Locale.ROOT, "%s: median %.2f images/s (min %.2f, max %.2f)", c.name(), med, lo, hi))));
            s.append(String.format(Locale.ROOT, "<g class=\"whisker\" stroke=\"#000000\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                            + "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/></g>%n",
                    cx, yLo, cx, yHi, cx - 8, yLo, cx + 8, yLo, cx - 8, yHi, cx + 8, yHi));
            double speedUp = r.speedUp(c);
            String label = num(med) + (c.peer() || Double.isNaN(speedUp) ? "" : String.format(Locale.ROOT, " (%.1fx)", speedUp));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n", cx, Math.min(yMed, yHi) - 6, esc(label)));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-weight=\"bold\">%s</text>%n", cx, TOP + plotH + 18, esc(c.name())));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#444444\" font-size=\"10\">%s</text>%n",
                    cx, TOP + plotH + 34, esc(shorten(c.device(), (int) (slot / 6)))));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#444444\" font-size=\"10\">%s</text>%n", LEFT, HEIGHT - 12,
                esc("speed-up in brackets: over Thumbnailator " + ThumbnailatorContender.VERSION + " on the same images in the same run")));
        s.append("</svg>\n");
        return s.toString();
    }

    private static double y(double v, double max, int plotH) {
        if (Double.isNaN(v) || v < 0) v = 0;
        return TOP + plotH - plotH * Math.min(v, max) / max;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code v}. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[]{1, 2, 5, 10}) if (m * p >= v) return m * p;
        return 10 * p;
    }

    private static String num(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String axisNum(double v, double step) {
        int decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String shorten(String s, int max) {
        max = Math.max(12, max);
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** Text escaped for XML character data and attribute values. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (ch >= 0x20 || ch == '\t' || ch == '\n') b.append(ch);
                }
            }
        }
        return b.toString();
    }
}
