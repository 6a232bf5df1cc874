import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;

/**
 * bench/gpu-check.sh's pixel comparison (bench/gpu-bundle.sh compiles it into the bundle):
 *   java -cp .devbundle PixelDiff LIMIT DIR_A DIR_B FILE...
 * For each FILE (a path relative to both directories) that differs it prints the largest difference
 * of one channel (R, G, B, alpha) and how many pixels differ, then the largest over all files.
 * Exit status 1 when a file differs by more than LIMIT, has another size, or does not read.
 */
public class PixelDiff {
    public static void main(String[] args) throws Exception {
        int limit = Integer.parseInt(args[0]);
        int worst = 0, bad = 0;
        for (int i = 3; i < args.length; i++) {
            String name = args[i];
            BufferedImage a = ImageIO.read(new File(args[1], name)), b = ImageIO.read(new File(args[2], name));
            if (a == null || b == null || a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
                System.out.println("  " + name + ": unreadable or of different sizes");
                bad++;
                continue;
            }
            int max = 0;
            long differ = 0;
            for (int y = 0; y < a.getHeight(); y++) {
                for (int x = 0; x < a.getWidth(); x++) {
                    int p = a.getRGB(x, y), q = b.getRGB(x, y), m = 0;
                    for (int s = 0; s < 32; s += 8) m = Math.max(m, Math.abs((p >>> s & 255) - (q >>> s & 255)));
                    if (m > 0) differ++;
                    max = Math.max(max, m);
                }
            }
            worst = Math.max(worst, max);
            if (max > limit) bad++;
            if (max > 0) System.out.printf("  %s: max difference %d per channel, %d of %d pixels differ%s%n", name, max, differ,
                    (long) a.getWidth() * a.getHeight(), max > limit ? "  (over the limit " + limit + ")" : "");
        }
        System.out.printf("pixels: %d files, max difference %d per channel (allowed %d): %s%n", args.length - 3, worst, limit,
                bad == 0 ? "within the limit" : bad + " file(s) over it");
        System.exit(bad == 0 ? 0 : 1);
    }
}
