package dev.gpupool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpupool.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.gpupool.cli.CliRun.gpupool;
import static org.junit.jupiter.api.Assertions.*;

/** {@code --report} with {@code -s 128,512} lists both files of each input, with their real lengths and dimensions. */
class ReportSchemaCliTest {
    @TempDir
    Path tmp;

    @Test
    void everyOutputOfEverySizeIsInTheJsonReport() throws Exception {
        Path in = tmp.resolve("in"), out = tmp.resolve("out"), report = tmp.resolve("report.json");
        TestImages.write(in.resolve("a.jpg"), 1000, 625, "jpeg");
        CliRun r = gpupool("thumbnails", in.toString(), "-o", out.toString(), "-s", "128,512", "--backend", "cpu-threads",
                "--report", report.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(report.toFile());
        assertEquals(2, j.get("schema").asInt());
        JsonNode item = j.get("items").get(0);
        assertEquals("jpeg", item.get("format").asText());
        assertEquals(1000, item.get("inputWidth").asInt());
        assertEquals(625, item.get("inputHeight").asInt());
        JsonNode ran = item.get("ran");
        assertNotNull(ran, "an ok item says where its stages ran: " + item);
        assertEquals("cpu-threads", ran.get("resize").asText());
        assertEquals(dev.gpupool.codec.Codecs.decoderName("jpeg"), ran.get("decode").asText());
        assertEquals(dev.gpupool.codec.Codecs.encoderName(dev.gpupool.codec.OutputFormat.JPEG), ran.get("encode").asText());
        assertEquals(out.resolve("a_128.jpg").toAbsolutePath().toString(), item.get("output").asText());
        assertEquals(128, item.get("width").asInt());
        JsonNode outputs = item.get("outputs");
        assertEquals(2, outputs.size());
        String[] sizes = {"128", "512"};
        int[][] dims = {{128, 80}, {512, 320}};
        for (int i = 0; i < 2; i++) {
            JsonNode o = outputs.get(i);
            Path file = out.resolve("a_" + sizes[i] + ".jpg");
            assertEquals(file.toAbsolutePath().toString(), o.get("path").asText());
            assertEquals(sizes[i], o.get("size").asText());
            assertEquals(dims[i][0], o.get("width").asInt());
            assertEquals(dims[i][1], o.get("height").asInt());
            assertEquals(Files.size(file), o.get("bytes").asLong());
            BufferedImage img = ImageIO.read(file.toFile());
            assertEquals(dims[i][0], img.getWidth());
            assertEquals(dims[i][1], img.getHeight());
        }
    }
}
