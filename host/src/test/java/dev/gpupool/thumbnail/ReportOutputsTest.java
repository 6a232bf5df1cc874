package dev.gpupool.thumbnail;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.TestImages;
import dev.gpupool.job.BoxSize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every output of every item is in the report (path, size, real dimensions and length), on the CPU backends. */
class ReportOutputsTest {
    @TempDir
    Path tmp;

    @Test
    void cpuThreadsListsEveryOutput() throws IOException {
        check(Backend.CPU_THREADS);
    }

    @Test
    void cpuWorkerProcessesListEveryOutput() throws IOException {
        check(Backend.CPU); // the result crosses the worker pipe
    }

    private void check(Backend backend) throws IOException {
        Path in = tmp.resolve("in");
        TestImages.write(in.resolve("a.jpg"), 800, 500, "jpeg");
        TestImages.write(in.resolve("b.png"), 300, 600, "png");
        Files.writeString(in.resolve("c.jpg"), "not an image");
        Path out = tmp.resolve("out-" + backend.cliName());
        BatchReport r;
        try (Pool pool = Pool.builder().backend(backend).workers(2).open()) {
            r = Thumbnailer.on(pool).sizes("128,512").run(List.of(in), out);
        }
        assertEquals(2, r.ok(), r.items().toString());
        assertEquals(BatchReport.SCHEMA, r.schema());

        BatchReport.Item a = r.items().get(0);
        assertEquals("jpeg", a.format());
        assertEquals(800, a.inputWidth());
        assertEquals(500, a.inputHeight());
        assertOutputs(a, out.resolve("a_128.jpg"), "128", 128, 80, out.resolve("a_512.jpg"), "512", 512, 320);

        BatchReport.Item b = r.items().get(1);
        assertEquals("png", b.format());
        assertEquals(300, b.inputWidth());
        assertEquals(600, b.inputHeight());
        // never enlarged: the 512 box gives the input's own size
        assertOutputs(b, out.resolve("b_128.jpg"), "128", 64, 128, out.resolve("b_512.jpg"), "512", 256, 512);

        BatchReport.Item c = r.items().get(2);
        assertEquals(BatchReport.Status.FAILED, c.status());
        assertEquals(List.of(), c.outputs());
        assertNull(c.format());
        assertNull(c.ran(), "a failed item says nowhere");

        // where each stage ran: the input's decoder, this backend, the output's encoder
        String jpeg = dev.gpupool.codec.Codecs.decoderName("jpeg");
        assertEquals(new BatchReport.Ran(jpeg, backend.cliName(), dev.gpupool.codec.Codecs.encoderName(dev.gpupool.codec.OutputFormat.JPEG)), a.ran());
        assertEquals(new BatchReport.Ran("imageio", backend.cliName(), a.ran().encode()), b.ran());

        // the JSON has it all, and reads back the same
        Path json = tmp.resolve("report-" + backend.cliName() + ".json");
        r.writeJson(json);
        String text = Files.readString(json);
        assertTrue(text.contains("\"schema\" : 2"), text);
        assertTrue(text.contains("\"inputWidth\" : 800"), text);
        assertTrue(text.contains("\"ran\" : {"), text);
        assertEquals(2, text.split("\"ran\"", -1).length - 1, "only the ok items say where they ran: " + text);
        assertTrue(text.contains("b_512.jpg"), text);
        assertEquals(r, BatchReport.readJson(json));

        // a re-run skips: outputs of an earlier run are not listed, the first output is still named
        BatchReport again;
        try (Pool pool = Pool.builder().backend(backend).workers(2).open()) {
            again = Thumbnailer.on(pool).sizes("128", "512").run(List.of(in), out);
        }
        assertEquals(2, again.skipped());
        assertEquals(List.of(), again.items().getFirst().outputs());
        assertNull(again.items().getFirst().ran());
        assertEquals(a.output(), again.items().getFirst().output());
    }

    private static void assertOutputs(BatchReport.Item item, Path p0, String s0, int w0, int h0, Path p1, String s1, int w1, int h1)
            throws IOException {
        assertEquals(2, item.outputs().size(), item.toString());
        check(item.outputs().get(0), p0, s0, w0, h0);
        check(item.outputs().get(1), p1, s1, w1, h1);
        assertEquals(item.output(), item.outputs().get(0).path(), "output names the first of outputs");
        assertEquals(w0, item.width());
        assertEquals(h0, item.height());
    }

    private static void check(BatchReport.Output o, Path file, String size, int w, int h) throws IOException {
        assertEquals(file.toAbsolutePath().normalize().toString(), o.path());
        assertEquals(size, o.size());
        assertEquals(w, o.width(), o.toString());
        assertEquals(h, o.height(), o.toString());
        assertEquals(Files.size(file), o.bytes(), o.toString());
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
    }

    @Test
    void aReportWithoutANumberIsSchemaOneAndOldItemsStillBuild() throws IOException {
        Path json = tmp.resolve("old.json");
        Files.writeString(json, """
                {"backend": "cpu", "device": "1 worker process", "ok": 1, "failed": 0, "skipped": 0, "seconds": 0.5,
                 "items": [{"input": "a.jpg", "output": "out/a.jpg", "status": "ok", "error": null, "backend": "cpu",
                            "width": 256, "height": 160, "millis": 41.0}]}
                """);
        BatchReport old = BatchReport.readJson(json);
        assertEquals(1, old.schema());
        assertEquals(List.of(), old.items().getFirst().outputs());
        BatchReport.Item i = new BatchReport.Item("x", "y", BatchReport.Status.OK, null, "cpu", 1, 2, 3, List.of());
        assertEquals(List.of(), i.outputs());
        assertEquals(BatchReport.SCHEMA, new BatchReport("cpu", "d", 1, 0, 0, 1, null, List.of(i)).schema());
    }

    /** On a machine with libturbojpeg (as the tests require): a JPEG on cpu-threads is libjpeg-turbo end to end; a PNG output is ImageIO's. */
    @Test
    void ranNamesTurboForJpegAndImageIoForPng() throws IOException {
        assumeTrue(dev.gpupool.codec.Codecs.describe().getFirst().startsWith("jpeg: libjpeg-turbo"), "libturbojpeg is not in use");
        Path in = tmp.resolve("in");
        TestImages.write(in.resolve("a.jpg"), 400, 300, "jpeg");
        try (Pool pool = Pool.builder().backend(Backend.CPU_THREADS).workers(1).open()) {
            BatchReport jpg = Thumbnailer.on(pool).size(128, 128).run(List.of(in), tmp.resolve("jpg"));
            assertEquals(new BatchReport.Ran("libjpeg-turbo", "cpu-threads", "libjpeg-turbo"), jpg.items().getFirst().ran());
            assertEquals("{\"decode\":\"libjpeg-turbo\",\"resize\":\"cpu-threads\",\"encode\":\"libjpeg-turbo\"}",
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(jpg.toJson()).get("items").get(0).get("ran").toString());
            BatchReport png = Thumbnailer.on(pool).size(128, 128).format("png").run(List.of(in), tmp.resolve("png"));
            assertEquals(new BatchReport.Ran("libjpeg-turbo", "cpu-threads", "imageio"), png.items().getFirst().ran());
        }
    }

    @Test
    void ranIsLeftOutOfTheJsonWhenNullAndReadBack() throws IOException {
        BatchReport.Item none = new BatchReport.Item("x", "y", BatchReport.Status.OK, null, "cpu", 1, 2, 3, List.of());
        BatchReport.Item some = new BatchReport.Item("x", "y", BatchReport.Status.OK, null, "cuda", 1, 2, 3, List.of(),
                "jpeg", 4, 5, List.of(), new BatchReport.Ran("nvjpeg-hardware", "cuda", "nvjpeg-cuda"));
        assertNull(none.ran());
        assertFalse(new BatchReport("cpu", "d", 1, 0, 0, 1, null, List.of(none)).toJson().contains("\"ran\""));
        BatchReport r = new BatchReport("cuda", "d", 1, 0, 0, 1, null, List.of(some));
        Path json = tmp.resolve("ran.json");
        r.writeJson(json);
        assertEquals(r, BatchReport.readJson(json));
        // a reader ignores keys it does not know (a later addition)
        Files.writeString(json, Files.readString(json).replace("\"ran\" :", "\"later\" : 1, \"ran\" :"));
        assertEquals(r, BatchReport.readJson(json));
    }
}
