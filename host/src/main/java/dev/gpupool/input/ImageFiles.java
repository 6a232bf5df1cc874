package dev.gpupool.input;

import java.util.Locale;
import java.util.Set;

/** Which files of a walked directory are images: by name, else by their first bytes. One rule for every source. */
public final class ImageFiles {
    /** The extensions that make a file an input by its name alone. */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "jpe", "jfif", "png", "gif", "bmp", "dib",
            "webp", "tif", "tiff");

    /** How many first bytes of a file {@link #looksLikeImage(byte[], int)} needs to see (18: a BMP's info header size). */
    public static final int MAGIC_LENGTH = 18;

    private ImageFiles() {
    }

    /**
     * True when a file named {@code name} is taken from a directory by its name alone: its extension (after
     * the last '.', which must not start the name; case-insensitive) is one of {@code jpg jpeg jpe jfif png
     * gif bmp dib webp tif tiff}. Other files are taken when {@link #looksLikeImage(byte[], int)} says so of
     * their first {@link #MAGIC_LENGTH} bytes.
     */
    public static boolean hasImageExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * True when {@code h[0..n)}, a file's first bytes ({@code n} may be less than {@link #MAGIC_LENGTH} for
     * a short file), start like a JPEG ({@code FF D8 FF}), PNG ({@code 89 'PNG'}, 8 bytes at least), GIF
     * ({@code 'GIF8'}, 6), BMP ({@code 'BM'} and a plausible header, 18: {@link dev.gpupool.codec.Codecs#isBmpHeader}), WebP ({@code 'RIFF' .... 'WEBP'}, 12) or TIFF
     * ({@code 'II' 2A 00} or {@code 'MM' 00 2A}).
     */
    public static boolean looksLikeImage(byte[] h, int n) {
        if (n >= 3 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xFF) == 0xD8 && (h[2] & 0xFF) == 0xFF) return true;
        if (n >= 8 && (h[0] & 0xFF) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G') return true;
        if (n >= 6 && h[0] == 'G' && h[1] == 'I' && h[2] == 'F' && h[3] == '8') return true;
        if (dev.gpupool.codec.Codecs.isBmpHeader(h, n)) return true;
        if (n >= 12 && h[0] == 'R' && h[1] == 'I' && h[2] == 'F' && h[3] == 'F' && h[8] == 'W' && h[9] == 'E' && h[10] == 'B' && h[11] == 'P') return true;
        return n >= 4 && ((h[0] == 'I' && h[1] == 'I' && h[2] == 42 && h[3] == 0) || (h[0] == 'M' && h[1] == 'M' && h[2] == 0 && h[3] == 42));
    }

    /** {@code .jpg}, {@code .png}, ... as the bytes start, or nothing (so {@code --format same} keeps JPEG and WebP). */
    public static String sniffedExtension(byte[] h) {
        int n = Math.min(h.length, MAGIC_LENGTH);
        if (!looksLikeImage(h, n)) return "";
        if ((h[0] & 0xFF) == 0xFF) return ".jpg";
        if ((h[0] & 0xFF) == 0x89) return ".png";
        if (h[0] == 'G') return ".gif";
        if (h[0] == 'B') return ".bmp";
        if (h[0] == 'R') return ".webp";
        return ".tif";
    }

    /**
     * True when a walk passes over a name whatever it holds: hidden ({@code .name}: {@code .DS_Store},
     * macOS's {@code ._photo.jpg} resource forks, {@code .git}, Hadoop's {@code .x.crc} checksums), a
     * temporary of gpupool's ({@link dev.gpupool.job.AtomicFiles#TEMP_MARK}: an output being written), or a
     * Hadoop committer's {@code _temporary} work in progress.
     */
    public static boolean passedOver(String name) {
        return name.startsWith(".") || name.contains(dev.gpupool.job.AtomicFiles.TEMP_MARK) || name.equals("_temporary");
    }
}
