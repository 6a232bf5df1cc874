package dev.gpupool.bench;

import net.coobird.thumbnailator.Thumbnails;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The Java peer, as its users run it: Thumbnailator 0.4.20 on a fixed thread pool, one
 * {@code Thumbnails.of(file).size(n, n).outputQuality(q).toFile(...)} per image.
 * Usage: {@code DIR OUT SIZE THREADS}.
 */
public final class ThumbnailatorRunner {
    public static void main(String[] args) throws Exception {
        File dir = new File(args[0]), out = new File(args[1]);
        int size = Integer.parseInt(args[2]), threads = Integer.parseInt(args[3]);
        if (!out.isDirectory() && !out.mkdirs()) throw new IllegalStateException("cannot create " + out);
        File[] files = dir.listFiles((d, n) -> n.toLowerCase().matches(".*\\.(jpe?g|png)"));
        if (files == null) throw new IllegalArgumentException("not a directory: " + dir);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> all = new ArrayList<>();
        for (File f : files) {
            String name = f.getName().replaceFirst("\\.[^.]+$", "") + ".jpg";
            all.add(pool.submit(() -> {
                Thumbnails.of(f).size(size, size).outputFormat("jpg").outputQuality(0.85).toFile(new File(out, name));
                return null;
            }));
        }
        for (Future<?> f : all) f.get();
        pool.shutdown();
    }
}
