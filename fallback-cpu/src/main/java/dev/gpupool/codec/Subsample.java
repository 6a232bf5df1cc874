package dev.gpupool.codec;

import java.util.Locale;

/**
 * JPEG chroma subsampling ({@code --subsample}): how many chroma samples a colour JPEG keeps.
 * Grey images have no chroma and ignore it.
 */
public enum Subsample {
    /**
     * 4:4:4 at quality 90 and above, else 4:2:0: libvips' default for jpegsave's {@code subsample_mode}
     * ({@code VIPS_FOREIGN_SUBSAMPLE_AUTO}, documented as "prevent subsampling when quality &gt;= 90"),
     * on the reasoning that whoever asks for that quality wants sharp colour edges more than the bytes
     * 4:2:0 saves.
     */
    AUTO,
    /** Chroma halved both ways (TJSAMP_420): the smallest files; the encoder's default before these options. */
    S420,
    /** Chroma halved horizontally only (TJSAMP_422). */
    S422,
    /** Full-resolution chroma (TJSAMP_444). */
    S444;

    /** {@code auto}, {@code 420}, {@code 422} or {@code 444} (also written {@code 4:2:0} etc.). */
    public static Subsample parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT).replace(":", "")) {
            case "auto" -> AUTO;
            case "420" -> S420;
            case "422" -> S422;
            case "444" -> S444;
            default -> throw new IllegalArgumentException("--subsample must be 420, 422, 444 or auto, not '" + s + "'");
        };
    }

    /** What this resolves to at {@code quality}: never {@link #AUTO}. */
    public Subsample at(int quality) {
        return this == AUTO ? (quality >= 90 ? S444 : S420) : this;
    }

    /** The horizontal and vertical sampling factors of the luma component (chroma components are 1x1). */
    public int[] lumaFactors(int quality) {
        return switch (at(quality)) {
            case S420 -> new int[]{2, 2};
            case S422 -> new int[]{2, 1};
            default -> new int[]{1, 1};
        };
    }

    /** As the command line writes it. */
    @Override
    public String toString() {
        return this == AUTO ? "auto" : name().substring(1);
    }
}
