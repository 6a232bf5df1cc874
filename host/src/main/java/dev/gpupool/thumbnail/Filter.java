package dev.gpupool.thumbnail;

import java.util.Locale;

/**
 * The resampling filter ({@link Thumbnailer#filter(Filter)}): the public face of
 * {@link dev.gpupool.image.Filter} (whose javadoc defines each kernel).
 */
public enum Filter {
    /** Area average when shrinking. */
    BOX(dev.gpupool.image.Filter.BOX),
    /** Linear (bilinear). */
    TRIANGLE(dev.gpupool.image.Filter.TRIANGLE),
    /** Mitchell-Netravali cubic, B = C = 1/3. */
    MITCHELL(dev.gpupool.image.Filter.MITCHELL),
    /** Lanczos with three lobes (the default). */
    LANCZOS3(dev.gpupool.image.Filter.LANCZOS3);

    private final dev.gpupool.image.Filter filter;

    Filter(dev.gpupool.image.Filter filter) {
        this.filter = filter;
    }

    dev.gpupool.image.Filter internal() {
        return filter;
    }

    /** As the command line writes it: {@code box}, {@code triangle}, {@code mitchell}, {@code lanczos3}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A filter's command-line name, case-insensitive; {@link IllegalArgumentException} for an unknown one. */
    public static Filter parse(String name) {
        return of(dev.gpupool.image.Filter.parse(name));
    }

    static Filter of(dev.gpupool.image.Filter filter) {
        for (Filter f : values()) if (f.filter == filter) return f;
        throw new IllegalStateException("no public Filter for " + filter);
    }
}
