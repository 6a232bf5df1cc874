package dev.gpupool.image;

import java.util.Locale;

/**
 * Which window of the image {@link Fit#COVER} keeps when the image overflows the box (the crop
 * strategies of libvips' {@code vips_smartcrop}); ignored by the other fits and by a box with a free side.
 */
public enum Crop {
    /** The centred window (the default). */
    CENTRE,
    /** Trim the overflowing axis from the side whose edge strip has the lower grey-level entropy, until it fits. */
    ENTROPY,
    /** The window with the most "interest": edges, skin tones and saturated colour. */
    ATTENTION;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code centre} (or {@code center}), {@code entropy} or {@code attention}, any case. */
    public static Crop parse(String name) {
        String n = name.trim();
        if (n.equalsIgnoreCase("center")) return CENTRE;
        for (Crop c : values()) if (c.cliName().equalsIgnoreCase(n)) return c;
        throw new IllegalArgumentException("unknown crop '" + name + "' (expected centre, entropy or attention)");
    }
}
