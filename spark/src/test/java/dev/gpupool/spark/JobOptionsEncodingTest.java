package dev.gpupool.spark;

import dev.gpupool.codec.Subsample;
import dev.gpupool.job.BoxSize;
import dev.gpupool.job.ThumbnailSpec;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Spark's job options take the same one-sided sizes and encoding choices as the CLI, and carry them to executors. */
class JobOptionsEncodingTest {
    @Test
    void oneSidedSizesAndEncodingChoicesTravel() throws Exception {
        JobOptions o = JobOptions.defaults().withSizes("256x", "x128").withEncoding(true, "444", true).withFormat("webp");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(b)) {
            oos.writeObject(o);
        }
        JobOptions back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b.toByteArray()))) {
            back = (JobOptions) in.readObject();
        }
        assertEquals(o, back);
        ThumbnailSpec s = back.spec();
        assertEquals(List.of(new BoxSize(256, 0), new BoxSize(0, 128)), s.sizes());
        assertTrue(s.progressive());
        assertEquals(Subsample.S444, s.subsample());
        assertTrue(s.lossless());
        ThumbnailSpec d = JobOptions.defaults().spec();
        assertFalse(d.progressive() || d.lossless());
        assertEquals(Subsample.AUTO, d.subsample());
        assertThrows(IllegalArgumentException.class, () -> JobOptions.defaults().withEncoding(false, "411", false));
    }
}
