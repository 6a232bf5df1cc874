package dev.gpupool.image;

import java.util.Locale;

/** How an image is fitted into the bounding box. */
public enum Fit {
    /** Fit inside the box, keeping the aspect ratio; one side equals the box, the other is at most the box. */
    CONTAIN,
    /** Fill the box, keeping the aspect ratio; the overflow is cropped (centred, or where {@link Crop} chooses). */
    COVER,
    /** Stretch to exactly the box. */
    FILL;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Fit parse(String name) {
        for (Fit f : values()) if (f.cliName().equalsIgnoreCase(name.trim())) return f;
        throw new IllegalArgumentException("unknown fit '" + name + "' (expected contain, cover or fill)");
    }
}
