package dev.gpupool.spark;

import dev.gpupool.job.AtomicFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outputs on an object store (S3A's write semantics, imitated by {@link FakeObjectStore}): each output is
 * uploaded once, straight to its key, never renamed (a rename there is a copy and a delete), and a failed
 * upload is aborted so that no object, partial or whole, appears. The job's outputs there equal a local run's.
 */
class ObjectStoreOutputsTest {
    @TempDir
    Path tmp;
    Configuration conf;
    FileSystem store;

    @BeforeEach
    void setUp() throws IOException {
        FakeObjectStore.reset();
        conf = new Configuration();
        conf.set("fs." + FakeObjectStore.SCHEME + ".impl", FakeObjectStore.class.getName());
        conf.setBoolean("fs." + FakeObjectStore.SCHEME + ".impl.disable.cache", true);
        store = FileSystem.get(java.net.URI.create(FakeObjectStore.SCHEME + ":///"), conf);
    }

    @AfterEach
    void tearDown() {
        FakeObjectStore.reset();
    }

    private org.apache.hadoop.fs.Path key(String rel) {
        return new org.apache.hadoop.fs.Path(FakeObjectStore.SCHEME + "://" + tmp.resolve(rel));
    }

    private List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void anOutputIsUploadedOnceStraightToItsKeyWithoutARename() throws IOException {
        byte[] data = new byte[200_000];
        Arrays.fill(data, (byte) 3);
        Outputs.write(store, key("out/a/x.jpg"), data);
        assertArrayEquals(data, Files.readAllBytes(tmp.resolve("out/a/x.jpg")));
        assertEquals(0, FakeObjectStore.renames.get(), "renamed on an object store");
        assertEquals(1, FakeObjectStore.completed.get(), "uploads");
        assertEquals(List.of("a/x.jpg"), files(tmp.resolve("out")), "nothing but the object");

        byte[] newer = new byte[1000];
        Outputs.write(store, key("out/a/x.jpg"), newer);   // a retried attempt replaces it, whole
        assertArrayEquals(newer, Files.readAllBytes(tmp.resolve("out/a/x.jpg")));
        assertEquals(0, FakeObjectStore.renames.get());
    }

    @Test
    void aFailedUploadIsAbortedAndLeavesNoObject() throws IOException {
        Files.createDirectories(tmp.resolve("out"));
        FakeObjectStore.failWritesAfter = 10_000;
        IOException e = assertThrows(IOException.class, () -> Outputs.write(store, key("out/y.jpg"), new byte[50_000]));
        assertTrue(e.getMessage().contains("mid-upload"), e.getMessage());
        assertEquals(1, FakeObjectStore.aborts.get(), "the upload was not aborted");
        assertEquals(0, FakeObjectStore.completed.get());
        assertEquals(List.of(), files(tmp.resolve("out")), "a failed upload left something");
    }

    @Test
    void theJobWritesToAnObjectStoreAsItDoesLocally() throws Exception {
        SparkSession spark = SharedSpark.get();
        Path photos = tmp.resolve("photos");
        Files.createDirectories(photos.resolve("sub"));
        for (int i = 0; i < 4; i++) ThumbnailJobTest.write(ThumbnailJobTest.photo(280 + 37 * i, 190 + 23 * i, i), photos.resolve("p" + i + ".jpg"), "jpeg");
        ThumbnailJobTest.write(ThumbnailJobTest.photo(240, 400, 7), photos.resolve("sub/tall.png"), "png");
        JobOptions o = JobOptions.defaults().withSizes("64", "100x50");
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        hadoop.set("fs." + FakeObjectStore.SCHEME + ".impl", FakeObjectStore.class.getName());
        try {
            ThumbnailJob.Result local = ThumbnailJob.run(spark, List.of(photos.toString()), tmp.resolve("local").toString(), null, 2, o,
                    InputStream.nullInputStream());
            // The report goes to a local directory: Spark's own writer renames (see the README on S3A committers).
            ThumbnailJob.Result r = ThumbnailJob.run(spark, List.of(photos.toString()), key("store").toString(), tmp.resolve("report").toString(),
                    2, o, InputStream.nullInputStream());
            assertEquals(5, r.ok(), r.summary());
            assertEquals(0, FakeObjectStore.renames.get(), "an output was renamed on the object store");
            Map<String, byte[]> want = ThumbnailJobTest.tree(tmp.resolve("local")), got = ThumbnailJobTest.tree(tmp.resolve("store"));
            assertEquals(want.keySet(), got.keySet());
            assertEquals(10, got.size());
            for (String k : want.keySet()) assertArrayEquals(want.get(k), got.get(k), k);
            assertFalse(got.keySet().stream().anyMatch(k -> k.contains(AtomicFiles.TEMP_MARK)));
            assertEquals(10, FakeObjectStore.completed.get(), "one upload per output");

            ThumbnailJob.Result again = ThumbnailJob.run(spark, List.of(photos.toString()), key("store").toString(), tmp.resolve("report2").toString(),
                    2, o, InputStream.nullInputStream());
            assertEquals(5, again.skipped(), again.summary());
            assertEquals(10, FakeObjectStore.completed.get(), "a rerun uploaded again");
        } finally {
            hadoop.unset("fs." + FakeObjectStore.SCHEME + ".impl");
        }
    }
}
