package dev.gpupool.codec;

import java.util.Locale;

/** The formats gpupool writes. */
public enum OutputFormat {
    JPEG("jpg"), PNG("png"), WEBP("webp"), AVIF("avif");

    private final String extension;

    OutputFormat(String extension) {
        this.extension = extension;
    }

    /** The file extension, without the dot. */
    public String extension() {
        return extension;
    }

    /** {@code jpg}/{@code jpeg}, {@code png}, {@code webp}, {@code avif}; case-insensitive. */
    public static OutputFormat parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "jpg", "jpeg" -> JPEG;
            case "png" -> PNG;
            case "webp" -> WEBP;
            case "avif" -> AVIF;
            default -> throw new IllegalArgumentException("unknown output format '" + name + "' (expected jpg, png, webp, avif or same)");
        };
    }
}
