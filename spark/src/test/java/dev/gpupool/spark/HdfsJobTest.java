package dev.gpupool.spark;

import dev.gpupool.job.AtomicFiles;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job on a real HDFS: a NameNode and a DataNode in this JVM (Hadoop's MiniDFSCluster), inputs, outputs
 * and report on {@code hdfs://}. Its outputs must equal, byte for byte, those the job makes from the same
 * photos on the local file system; every output whole, no temporary left, and concurrent attempts at one
 * output (Spark's retries and speculative copies) leave exactly one file.
 */
class HdfsJobTest {
    @TempDir
    static Path tmp;
    static MiniDFSCluster hdfs;
    static FileSystem fs;
    static String root;
    static Path photos;
    static SparkSession spark;

    @BeforeAll
    static void start() throws IOException {
        spark = SharedSpark.get();
        hdfs = MiniHdfs.start(tmp.resolve("hdfs"));
        fs = hdfs.getFileSystem();
        root = fs.getUri().toString();

        photos = tmp.resolve("photos");
        Files.createDirectories(photos.resolve("sub"));
        for (int i = 0; i < 6; i++) ThumbnailJobTest.write(ThumbnailJobTest.photo(300 + 41 * i, 200 + 29 * i, i), photos.resolve("p" + i + ".jpg"), "jpeg");
        ThumbnailJobTest.write(ThumbnailJobTest.photo(260, 410, 9), photos.resolve("sub/tall.png"), "png");
        Files.writeString(photos.resolve("broken.jpg"), "not an image");
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(photos.toUri()), new org.apache.hadoop.fs.Path(root + "/photos"));
    }

    @AfterAll
    static void stop() {
        if (hdfs != null) hdfs.shutdown();
    }

    /** Relative path to bytes of every file under an HDFS directory, leaving out the report. */
    static Map<String, byte[]> tree(String dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        org.apache.hadoop.fs.Path base = fs.makeQualified(new org.apache.hadoop.fs.Path(dir));
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(base, true);
        while (it.hasNext()) {
            LocatedFileStatus s = it.next();
            String rel = s.getPath().toUri().getPath().substring(base.toUri().getPath().length() + 1);
            if (rel.startsWith(ThumbnailJob.DEFAULT_REPORT + "/")) continue;
            try (InputStream in = fs.open(s.getPath())) {
                m.put(rel, in.readAllBytes());
            }
        }
        return m;
    }

    @Test
    void jobReadsAndWritesHdfsAsItDoesLocalFiles() throws Exception {
        JobOptions o = JobOptions.defaults().withSizes("64", "100x50");
        ThumbnailJob.Result local = ThumbnailJob.run(spark, List.of(photos.toString()), tmp.resolve("local").toString(), null, 3, o, InputStream.nullInputStream());
        ThumbnailJob.Result r = ThumbnailJob.run(spark, List.of(root + "/photos"), root + "/thumbs", null, 3, o, InputStream.nullInputStream());

        assertEquals(8, r.report().count());
        assertEquals(7, r.ok(), r.summary());
        assertEquals(1, r.failed(), r.summary());
        assertTrue(r.reportDir().startsWith("hdfs://"), r.reportDir());
        assertTrue(fs.listStatus(new org.apache.hadoop.fs.Path(r.reportDir())).length > 0);
        Row bad = r.report().filter("status = 'failed'").first();
        assertTrue(bad.<String>getAs("input").endsWith("broken.jpg"), bad.toString());
        assertNotNull(bad.getAs("error"));

        Map<String, byte[]> want = ThumbnailJobTest.tree(tmp.resolve("local")), got = tree(root + "/thumbs");
        assertEquals(want.keySet(), got.keySet(), "HDFS outputs differ in names from the local run's");
        assertEquals(14, got.size());
        for (String k : want.keySet()) assertArrayEquals(want.get(k), got.get(k), k + " differs from the local run's");
        for (Row row : r.report().filter("status = 'ok'").collectAsList()) {
            assertTrue(row.<String>getAs("output").startsWith(root + "/thumbs/"), row.toString());
            for (Row out : row.<Row>getList(row.fieldIndex("outputs"))) {
                org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(out.<String>getAs("path"));
                assertEquals(fs.getFileStatus(p).getLen(), (long) out.<Long>getAs("bytes"), p.toString());
            }
        }
        assertEquals(local.ok(), r.ok());

        // a re-run (as a retried job sees it) skips everything; a glob on hdfs:// selects as locally
        ThumbnailJob.Result again = ThumbnailJob.run(spark, List.of(root + "/photos/p*.jpg"), root + "/thumbs", root + "/report2", 2, o,
                InputStream.nullInputStream());
        assertEquals(6, again.skipped(), again.summary());
        assertEquals(0, again.ok() + again.failed(), again.summary());
        assertEquals(got.keySet(), tree(root + "/thumbs").keySet(), "nothing added, nothing temporary left");
    }

    @Test
    void concurrentAttemptsAtOneHdfsOutputLeaveOneWholeFile() throws Exception {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(root + "/race/a/x.jpg");
        byte[] data = new byte[300_000];
        Arrays.fill(data, (byte) 7);
        ThumbnailJobTest.raceWrites(fs, target, data, 6);
        Map<String, byte[]> left = tree(root + "/race");
        assertEquals(List.of("a/x.jpg"), new ArrayList<>(left.keySet()), "one file, no temporary");
        assertArrayEquals(data, left.get("a/x.jpg"));
        assertFalse(left.keySet().stream().anyMatch(k -> k.contains(AtomicFiles.TEMP_MARK)));
        // an input listing on HDFS passes over a temporary left by a killed attempt
        try (var out = fs.create(new org.apache.hadoop.fs.Path(root + "/race/a/.y.jpg" + AtomicFiles.TEMP_MARK + "1"))) {
            new ByteArrayInputStream(data).transferTo(out);
        }
        ThumbnailJob.Result r = ThumbnailJob.run(spark, List.of(root + "/race"), root + "/race-out", null, 1,
                JobOptions.defaults().withSizes("32"), InputStream.nullInputStream());
        assertEquals(1, r.report().count(), "only x.jpg is an input");
    }
}
