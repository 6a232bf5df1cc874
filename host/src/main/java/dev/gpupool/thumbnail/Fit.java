package dev.gpupool.thumbnail;

import java.util.Locale;

/**
 * How an image is fitted into each bounding box ({@link Thumbnailer#fit(Fit)}): the public face of
 * {@link dev.gpupool.image.Fit}, so that a library user needs no other package than {@code dev.gpupool}
 * and {@code dev.gpupool.thumbnail}.
 */
public enum Fit {
    /** Fit inside the box, keeping the aspect ratio; one side equals the box, the other is at most the box (the default). */
    CONTAIN(dev.gpupool.image.Fit.CONTAIN),
    /** Fill the box, keeping the aspect ratio; the overflow is cropped, centred. */
    COVER(dev.gpupool.image.Fit.COVER),
    /** Stretch to exactly the box. */
    FILL(dev.gpupool.image.Fit.FILL);

    private final dev.gpupool.image.Fit fit;

    Fit(dev.gpupool.image.Fit fit) {
        this.fit = fit;
    }

    dev.gpupool.image.Fit internal() {
        return fit;
    }

    /** As the command line writes it: {@code contain}, {@code cover}, {@code fill}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code contain}, {@code cover} or {@code fill}, case-insensitive; {@link IllegalArgumentException} otherwise. */
    public static Fit parse(String name) {
        return of(dev.gpupool.image.Fit.parse(name));
    }

    static Fit of(dev.gpupool.image.Fit fit) {
        for (Fit f : values()) if (f.fit == fit) return f;
        throw new IllegalStateException("no public Fit for " + fit);
    }
}
