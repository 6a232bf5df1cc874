package dev.gpupool.thumbnail;

import dev.gpupool.codec.OutputFormat;

import java.util.Locale;

/**
 * The output format ({@link Thumbnailer#format(Format)}): the public face of
 * {@link dev.gpupool.codec.OutputFormat}, plus {@link #SAME}.
 */
public enum Format {
    JPEG(OutputFormat.JPEG),
    PNG(OutputFormat.PNG),
    WEBP(OutputFormat.WEBP),
    /** AVIF through libavif (encode only: AVIF inputs are not read). */
    AVIF(OutputFormat.AVIF),
    /** Each input's own format: JPEG and WebP stay, every other becomes PNG (the command line's {@code same}). */
    SAME(null);

    private final OutputFormat format;

    Format(OutputFormat format) {
        this.format = format;
    }

    /** Null for {@link #SAME}. */
    OutputFormat internal() {
        return format;
    }

    /** The file extension without the dot ({@code jpg}, {@code png}, {@code webp}); null for {@link #SAME}. */
    public String extension() {
        return format == null ? null : format.extension();
    }

    /** {@code jpg}/{@code jpeg}, {@code png}, {@code webp}, {@code avif} or {@code same}, case-insensitive; {@link IllegalArgumentException} otherwise. */
    public static Format parse(String name) {
        if (name.trim().toLowerCase(Locale.ROOT).equals("same")) return SAME;
        return of(OutputFormat.parse(name));
    }

    /** {@link #SAME} for null. */
    static Format of(OutputFormat format) {
        for (Format f : values()) if (f.format == format) return f;
        throw new IllegalStateException("no public Format for " + format);
    }
}
