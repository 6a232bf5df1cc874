import dev.gpupool.codec.Codecs;
import dev.gpupool.codec.DecodeOptions;
import dev.gpupool.codec.Decoded;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.FitPlan;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Thumbnail quality against a full-resolution reference (bench/gpu-check.sh; bench/gpu-bundle.sh compiles
 * it against gpupool.jar):
 *   java -cp gpupool.jar:.devbundle QualityCheck PHOTOS SIZE NAME=DIR...
 * For every photo the reference is the photo decoded at full size (libjpeg-turbo, upright) and resized
 * with Lanczos-3 on the CPU to fit SIZE x SIZE, in floating point with no shrink-on-load; each NAME=DIR
 * holds thumbnails of the same photos (same base names, any of .jpg/.png). Prints each set's PSNR (RGB,
 * dB) per photo and its median. Exit status 1 when a thumbnail is missing or of another size.
 */
public class QualityCheck {
    public static void main(String[] args) throws Exception {
        File photos = new File(args[0]);
        int size = Integer.parseInt(args[1]);
        String[] names = Arrays.stream(args, 2, args.length).map(a -> a.substring(0, a.indexOf('='))).toArray(String[]::new);
        String[] dirs = Arrays.stream(args, 2, args.length).map(a -> a.substring(a.indexOf('=') + 1)).toArray(String[]::new);
        List<List<Double>> psnr = new ArrayList<>();
        for (String n : names) psnr.add(new ArrayList<>());
        int bad = 0;
        File[] files = photos.listFiles((d, f) -> f.toLowerCase(Locale.ROOT).endsWith(".jpg"));
        Arrays.sort(files);
        for (File f : files) {
            Decoded d = Codecs.decode(Files.readAllBytes(f.toPath()), new DecodeOptions(0, 0, DecodeOptions.DEFAULT_MAX_PIXELS, false, true));
            PixelBuffer full = d.pixels();
            FitPlan fit = FitPlan.of(full.width(), full.height(), size, size, Fit.CONTAIN, false);
            PixelBuffer ref = Resampler.resize(full, fit.weightsX(Filter.LANCZOS3, full.width(), 1.0), fit.weightsY(Filter.LANCZOS3, full.height(), 1.0));
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-40s %5dx%-5d", f.getName(), ref.width(), ref.height()));
            String base = f.getName().substring(0, f.getName().lastIndexOf('.'));
            for (int k = 0; k < names.length; k++) {
                BufferedImage t = null;
                for (String ext : new String[]{".jpg", ".png"}) {
                    File c = new File(dirs[k], base + ext);
                    if (c.isFile()) t = ImageIO.read(c);
                }
                if (t == null || t.getWidth() != ref.width() || t.getHeight() != ref.height()) {
                    line.append("  ").append(names[k]).append(": missing or another size");
                    bad++;
                    continue;
                }
                double p = psnr(ref, t);
                psnr.get(k).add(p);
                line.append(String.format(Locale.ROOT, "  %s %.2f dB", names[k], p));
            }
            System.out.println(line);
        }
        StringBuilder sum = new StringBuilder("quality: PSNR against full-resolution Lanczos-3, median over " + files.length + " photos:");
        for (int k = 0; k < names.length; k++) sum.append(String.format(Locale.ROOT, " %s %.2f dB", names[k], median(psnr.get(k))));
        System.out.println(sum);
        System.exit(bad == 0 ? 0 : 1);
    }

    static double psnr(PixelBuffer ref, BufferedImage t) {
        double se = 0;
        int ch = ref.channels();
        for (int y = 0; y < ref.height(); y++) {
            for (int x = 0; x < ref.width(); x++) {
                int rgb = t.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    int r = ref.sample(x, y, ch >= 3 ? c : 0);
                    int v = (rgb >> (16 - 8 * c)) & 0xFF;
                    se += (double) (r - v) * (r - v);
                }
            }
        }
        double mse = se / (3.0 * ref.width() * ref.height());
        return mse == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    static double median(List<Double> v) {
        if (v.isEmpty()) return Double.NaN;
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
