package dev.gpupool.spark;

import dev.gpupool.job.AtomicFiles;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThumbnailJobTest {
    @TempDir
    static Path tmp;
    static Path photos;
    static SparkSession spark;

    @BeforeAll
    static void photos() throws IOException {
        spark = SharedSpark.get();
        photos = tmp.resolve("photos");
        Files.createDirectories(photos.resolve("sub"));
        for (int i = 0; i < 8; i++) write(photo(300 + 37 * i, 200 + 23 * i, i), photos.resolve("p" + i + ".jpg"), "jpeg");
        write(photo(260, 410, 9), photos.resolve("sub/tall.png"), "png");
        write(photo(320, 240, 10), photos.resolve("sub/p0.jpg"), "jpeg");
        write(photo(200, 200, 11), photos.resolve("same.png"), "png");
        write(photo(220, 180, 12), photos.resolve("same.jpg"), "jpeg"); // both name same.jpg: the CLI makes same~HHHHHHHH.jpg of the second
        write(photo(180, 180, 13), photos.resolve("noext"), "png");      // found by content
        Files.writeString(photos.resolve("broken.jpg"), "not an image");
        Files.writeString(photos.resolve("notes.txt"), "not an input");
    }

    static BufferedImage photo(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(seed * 20 % 256, 90, 200), w, h, new Color(250, seed * 30 % 256, 40)));
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        for (int x = 0; x < w; x += 7 + seed) g.drawLine(x, 0, w - x, h);
        g.dispose();
        return img;
    }

    static void write(BufferedImage img, Path p, String fmt) throws IOException {
        assertTrue(ImageIO.write(img, fmt, p.toFile()));
    }

    /** Relative path to bytes of every regular file under dir, leaving out the Spark job's report directory. */
    static Map<String, byte[]> tree(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString();
                if (!rel.startsWith(ThumbnailJob.DEFAULT_REPORT + "/")) m.put(rel, Files.readAllBytes(p));
            }
        }
        return m;
    }

    @Test
    void jobMakesTheSameOutputsAsTheCliAndIsSafeToRerun() throws Exception {
        Path cliOut = tmp.resolve("cli"), sparkOut = tmp.resolve("spark");
        String[] opts = {"-s", "64,100x50", "-q", "80"};
        List<String> cliArgs = new ArrayList<>(List.of("thumbnails", photos.toString(), "-o", cliOut.toString(), "--backend", "cpu-threads"));
        cliArgs.addAll(List.of(opts));
        assertEquals(1, dev.gpupool.cli.Main.run(cliArgs.toArray(String[]::new)), "the CLI fails broken.jpg only");

        JobOptions o = JobOptions.defaults().withSizes("64", "100x50");
        o = new JobOptions(o.sizes(), o.fit(), o.filter(), o.format(), 80, o.upscale(), o.autoRotate(), o.background(),
                o.maxPixels(), o.lenient(), false, o.backend(), 0, 0);
        ThumbnailJob.Result r = ThumbnailJob.run(spark, List.of(photos.toString()), sparkOut.toString(), null, 3, o, System.in);

        assertEquals(14, r.report().count());
        assertEquals(13, r.ok(), r.summary());
        assertEquals(1, r.failed());
        assertEquals(0, r.skipped());
        assertEquals("cpu-threads", r.backend());
        assertTrue(r.summary().startsWith("13 ok, 1 failed, 0 skipped in "), r.summary());
        Row bad = r.report().filter(col("status").equalTo("failed")).first();
        assertTrue(bad.<String>getAs("input").endsWith("broken.jpg"));
        assertNotNull(bad.getAs("error"));
        Row tall = r.report().filter(col("input").endsWith("sub/tall.png")).first();
        assertEquals(41, (int) tall.<Integer>getAs("width"));
        assertEquals(64, (int) tall.<Integer>getAs("height"));
        // every output is listed (the CLI report's schema): path, size, real dimensions and length
        assertEquals("png", tall.getAs("format"));
        assertEquals(260, (int) tall.<Integer>getAs("inputWidth"));
        assertEquals(410, (int) tall.<Integer>getAs("inputHeight"));
        assertEquals(2, (int) tall.<Integer>getAs("schema"));
        // local[2] assigns no GPU: the columns that name it and a fallback from it are empty
        assertNull(tall.getAs("gpu"));
        assertNull(tall.getAs("fallback"));
        List<Row> outs = tall.getList(tall.fieldIndex("outputs"));
        assertEquals(2, outs.size());
        assertEquals(List.of("64", 41, 64), List.of(outs.get(0).getAs("size"), outs.get(0).getAs("width"), outs.get(0).getAs("height")));
        assertEquals(List.of("100x50", 32, 50), List.of(outs.get(1).getAs("size"), outs.get(1).getAs("width"), outs.get(1).getAs("height")));
        assertEquals(tall.<String>getAs("output"), outs.get(0).getAs("path"));
        for (Row ro : outs) {
            Path file = Path.of(java.net.URI.create(ro.getAs("path")).getPath());
            assertTrue(file.endsWith(Path.of("sub/tall_" + ro.getAs("size") + ".jpg")), file.toString());
            assertEquals(Files.size(file), (long) ro.<Long>getAs("bytes"), file.toString());
            BufferedImage img = ImageIO.read(file.toFile());
            assertEquals((int) ro.<Integer>getAs("width"), img.getWidth());
            assertEquals((int) ro.<Integer>getAs("height"), img.getHeight());
        }
        assertTrue(bad.getList(bad.fieldIndex("outputs")).isEmpty());
        assertTrue(Files.readString(Files.list(sparkOut.resolve(ThumbnailJob.DEFAULT_REPORT))
                .filter(p -> p.getFileName().toString().endsWith(".json")).findFirst().orElseThrow()).contains("\"status\":\"ok\""));

        Map<String, byte[]> cli = tree(cliOut), sp = tree(sparkOut);
        assertEquals(cli.keySet(), sp.keySet());
        assertEquals(26, sp.size());
        assertTrue(sp.containsKey("same~" + dev.gpupool.thumbnail.OutputNames.tag(dev.gpupool.thumbnail.OutputNames.identity(photos.resolve("same.png"))) + "_64.jpg") && sp.containsKey("sub/p0_100x50.jpg") && sp.containsKey("noext_64.jpg"), sp.keySet().toString());
        for (String k : cli.keySet()) assertArrayEquals(cli.get(k), sp.get(k), k + " differs from the CLI's");

        // A re-run (as a retried or speculative task sees it) skips what is up to date and touches nothing.
        Path one = sparkOut.resolve("p3_64.jpg");
        FileTime before = Files.getLastModifiedTime(one);
        ThumbnailJob.Result again = ThumbnailJob.run(spark, List.of(photos.toString()), sparkOut.toString(), null, 2, o, System.in);
        assertEquals(0, again.ok(), again.summary());
        assertEquals(13, again.skipped());
        assertEquals(before, Files.getLastModifiedTime(one));
        // An output older than its input is redone, whole; nothing temporary is left behind.
        Files.setLastModifiedTime(one, FileTime.fromMillis(0));
        ThumbnailJob.Result third = ThumbnailJob.run(spark, List.of(photos.resolve("p*.jpg").toString()), sparkOut.toString(),
                tmp.resolve("report3").toString(), 2, o, System.in);
        assertEquals(1, third.ok(), third.summary());
        assertEquals(7, third.skipped());
        assertArrayEquals(cli.get("p3_64.jpg"), Files.readAllBytes(one));
        assertEquals(tree(sparkOut).keySet(), sp.keySet());
    }

    @Test
    void hadoopWritesAreWholeAndConcurrentAttemptsLeaveOneFile() throws Exception {
        FileSystem fs = new RawLocalFileSystem();
        fs.initialize(java.net.URI.create("file:///"), new org.apache.hadoop.conf.Configuration());
        Path dir = tmp.resolve("hadoop");
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("a/x.jpg").toUri());
        byte[] data = new byte[200_000];
        Arrays.fill(data, (byte) 7);
        raceWrites(fs, target, data, 6);
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("a/x.jpg")));
        try (Stream<Path> s = Files.list(dir.resolve("a"))) {
            assertEquals(List.of("x.jpg"), s.map(p -> p.getFileName().toString()).toList());
        }
        byte[] other = {1, 2, 3};
        Outputs.write(fs, target, other); // a stale output is replaced, whole
        assertArrayEquals(other, Files.readAllBytes(dir.resolve("a/x.jpg")));
        assertFalse(Files.list(dir.resolve("a")).anyMatch(p -> p.toString().contains(AtomicFiles.TEMP_MARK)));
    }

    @Test
    void functionGivesEverySizeAndTheReasonForABadImage() throws Exception {
        Dataset<Row> files = spark.read().format("binaryFile").load(photos.resolve("p*.jpg").toString(), photos.resolve("broken.jpg").toString());
        JobOptions o = JobOptions.defaults().withSizes("48", "100x30").withFormat("png");
        List<Row> rows = files.select(col("path"), Thumbnails.udf(o).apply(col("content")).as("t")).collectAsList();
        assertEquals(9, rows.size());
        int made = 0;
        for (Row row : rows) {
            Row t = row.getAs("t");
            assertNotNull(t, "never null for an input that has bytes");
            if (row.<String>getAs("path").endsWith("broken.jpg")) {
                assertEquals("failed", t.getAs("status"));
                assertTrue(t.<String>getAs("error").startsWith("not a recognised image format"), t.<String>getAs("error"));
                assertTrue(t.getList(t.fieldIndex("outputs")).isEmpty());
                continue;
            }
            assertEquals("ok", t.getAs("status"));
            assertNull(t.getAs("error"));
            assertEquals("jpeg", t.getAs("format"));
            List<Row> outs = t.getList(t.fieldIndex("outputs"));
            assertEquals(List.of("48", "100x30"), outs.stream().map(x -> x.<String>getAs("size")).toList(), row.<String>getAs("path"));
            for (Row out : outs) {
                byte[] bytes = out.getAs("bytes");
                assertEquals("png", out.getAs("format"));
                assertEquals((byte) 0x89, bytes[0]); // PNG
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
                assertEquals((int) out.<Integer>getAs("width"), img.getWidth());
                assertEquals((int) out.<Integer>getAs("height"), img.getHeight());
            }
            assertEquals(48, Math.max(outs.get(0).<Integer>getAs("width"), outs.get(0).<Integer>getAs("height")));
            assertEquals(30, (int) outs.get(1).<Integer>getAs("height"));
            made++;
        }
        assertEquals(8, made);
        // the same bytes as the job writes for the same options, for every size
        Path out = tmp.resolve("fn");
        ThumbnailJob.run(spark, List.of(photos.resolve("p1.jpg").toString()), out.toString(), null, 1, o, System.in);
        Row viaFn = Thumbnails.function(o).call(Files.readAllBytes(photos.resolve("p1.jpg")));
        List<Row> outs = viaFn.getList(viaFn.fieldIndex("outputs"));
        assertArrayEquals(Files.readAllBytes(out.resolve("p1_48.png")), (byte[]) outs.get(0).getAs("bytes"));
        assertArrayEquals(Files.readAllBytes(out.resolve("p1_100x30.png")), (byte[]) outs.get(1).getAs("bytes"));
        assertNull(Thumbnails.function(o).call(null));
        // and in SQL
        Thumbnails.register(spark, "gp_thumb", o);
        files.createOrReplaceTempView("gp_files");
        List<Row> sql = spark.sql("SELECT path, gp_thumb(content).status AS s, size(gp_thumb(content).outputs) AS n FROM gp_files").collectAsList();
        for (Row r : sql) {
            boolean broken = r.<String>getAs("path").endsWith("broken.jpg");
            assertEquals(broken ? "failed" : "ok", r.getAs("s"));
            assertEquals(broken ? 0 : 2, (int) r.<Integer>getAs("n"));
        }
        assertEquals(1, sql.stream().filter(r -> r.getAs("s").equals("failed")).count());
    }

    @Test
    void commandLineChecksOptionsAsTheCliDoes() {
        assertEquals(2, ThumbnailJob.run(photos.toString()), "--out is required");
        assertEquals(2, ThumbnailJob.run(photos.toString(), "-o", tmp.resolve("x").toString(), "-q", "0"));
        assertEquals(2, ThumbnailJob.run(photos.toString(), "-o", tmp.resolve("x").toString(), "--background", "zz"));
        assertEquals(0, ExecutorPools.visibleIndex("3", "2,3") - 1);
        assertEquals(5, ExecutorPools.visibleIndex("5", null));
    }

    /** {@code n} concurrent attempts at one output, as Spark's retries and speculative copies make them; waits for all. */
    static void raceWrites(FileSystem fs, org.apache.hadoop.fs.Path target, byte[] data, int n) {
        List<CompletableFuture<Void>> attempts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            attempts.add(CompletableFuture.runAsync(() -> {
                try {
                    Outputs.write(fs, target, data);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new)).join();
    }
}
