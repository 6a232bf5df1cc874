package dev.gpupool.image;

import java.util.Locale;

/**
 * The resampling filters, defined as libvips and Pillow define them. Each is a kernel {@code k(x)}
 * with support {@code [-support, support]} at scale 1; when shrinking by a factor {@code s} the
 * support widens to {@code support * s} and the kernel is evaluated at {@code x / s}, which is what
 * makes a shrink antialias.
 */
public enum Filter {
    /** Nearest-neighbour area average when shrinking: the pixels the output pixel covers, equally weighted. */
    BOX(0.5) {
        @Override
        public double weight(double x) {
            return x >= -0.5 && x < 0.5 ? 1.0 : 0.0;
        }
    },
    /** Linear interpolation (bilinear in two dimensions); a tent of radius 1. */
    TRIANGLE(1.0) {
        @Override
        public double weight(double x) {
            x = Math.abs(x);
            return x < 1.0 ? 1.0 - x : 0.0;
        }
    },
    /** Mitchell-Netravali cubic with B = C = 1/3. */
    MITCHELL(2.0) {
        @Override
        public double weight(double x) {
            final double b = 1.0 / 3.0, c = 1.0 / 3.0;
            x = Math.abs(x);
            if (x < 1.0) {
                return ((12 - 9 * b - 6 * c) * x * x * x + (-18 + 12 * b + 6 * c) * x * x + (6 - 2 * b)) / 6.0;
            }
            if (x < 2.0) {
                return ((-b - 6 * c) * x * x * x + (6 * b + 30 * c) * x * x + (-12 * b - 48 * c) * x + (8 * b + 24 * c)) / 6.0;
            }
            return 0.0;
        }
    },
    /** Lanczos with three lobes: {@code sinc(x) sinc(x/3)}; the default, sharpest without ringing much. */
    LANCZOS3(3.0) {
        @Override
        public double weight(double x) {
            if (x > -3.0 && x < 3.0) return sinc(x) * sinc(x / 3.0);
            return 0.0;
        }
    };

    private final double support;

    Filter(double support) {
        this.support = support;
    }

    /** Half-width of the kernel at scale 1, in source pixels. */
    public double support() {
        return support;
    }

    /** The kernel's value at distance {@code x} (in source pixels at scale 1) from the sample centre. */
    public abstract double weight(double x);

    /** The name used on the command line: {@code lanczos3}, {@code mitchell}, {@code triangle}, {@code box}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line name, case-insensitively. */
    public static Filter parse(String name) {
        for (Filter f : values()) if (f.cliName().equalsIgnoreCase(name.trim())) return f;
        throw new IllegalArgumentException("unknown filter '" + name + "' (expected lanczos3, mitchell, triangle or box)");
    }

    static double sinc(double x) {
        if (x == 0.0) return 1.0;
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }
}
