package dev.gpupool.benchmark;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The batch a benchmark runs: JPEG and PNG files given or found under given directories (the formats
 * both gpupool and Thumbnailator read with what they ship), each with its full-size megapixels read
 * from its header, not decoded.
 */
public final class BenchInputs {
    private BenchInputs() {
    }

    /** Image files under {@code paths}, sorted, each mapped to its megapixels; unreadable ones are noted and left out. */
    public static Map<Path, Double> collect(List<Path> paths, List<String> notes) throws IOException {
        TreeSet<Path> files = new TreeSet<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> w = Files.walk(p)) {
                    w.filter(Files::isRegularFile).filter(BenchInputs::isImageName).forEach(f -> files.add(f.toAbsolutePath().normalize()));
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p.toAbsolutePath().normalize());
            } else {
                throw new IllegalArgumentException("no such file or directory: " + p);
            }
        }
        Map<Path, Double> out = new LinkedHashMap<>();
        for (Path f : files) {
            long[] wh = dimensions(f);
            if (wh == null) notes.add("left out " + f + ": not a JPEG or PNG both contenders read");
            else out.put(f, wh[0] * wh[1] / 1e6);
        }
        return out;
    }

    static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    /** {width, height} from the header, or null when no ImageIO reader takes it. */
    static long[] dimensions(Path f) {
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            if (in == null) return null;
            Iterator<ImageReader> it = ImageIO.getImageReaders(in);
            if (!it.hasNext()) return null;
            ImageReader r = it.next();
            try {
                r.setInput(in, true, true);
                return new long[]{r.getWidth(0), r.getHeight(0)};
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
