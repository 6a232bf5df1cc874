package dev.gpupool.codec;

import java.util.Locale;

/** The formats gpupool writes. */
public enum OutputFormat {
    JPEG("jpg"), PNG("png"), WEBP("webp");

    private final String extension;

    OutputFormat(String extension) {
        this.extension = extension;
    }

    /** The file extension, without the dot. */
    public String extension() {
        return extension;
    }

    /** {@code jpg}/{@code jpeg}, {@code png}, {@code webp}; case-insensitive. */
    public static OutputFormat parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "jpg", "jpeg" -> JPEG;
            case "png" -> PNG;
            case "webp" -> WEBP;
            default -> throw new IllegalArgumentException("unknown output format '" + name + "' (expected jpg, png, webp or same)");
        };
    }
}
