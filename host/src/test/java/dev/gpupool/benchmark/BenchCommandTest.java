package dev.gpupool.benchmark;

import dev.gpupool.cli.CliRun;
import dev.gpupool.backend.Backends;
import dev.gpupool.device.ProbeReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static dev.gpupool.cli.CliRun.gpupool;

/** {@code gpupool bench} end to end, in process, on a few small generated images. */
class BenchCommandTest {
    @TempDir
    Path tmp;

    static List<String> rowNames(String table) {
        List<String> names = new ArrayList<>();
        for (String line : table.split("\n")) {
            if (line.startsWith("| ") && !line.startsWith("| backend / peer")) names.add(line.substring(2, line.indexOf(" |")));
        }
        return names;
    }

    @Test
    void everyUsableBackendAndThePeerGetARowTheMarkdownAndAParsableChart() throws Exception {
        Path in = tmp.resolve("in");
        SampleImages.write(in, new int[][]{{320, 240}, {240, 320}, {500, 375}});
        SampleImages.write(in.resolve("sub"), new int[][]{{400, 300}});
        Files.writeString(in.resolve("notes.txt"), "not an image");
        Path out = tmp.resolve("results");

        CliRun r = gpupool("bench", in.toString(), "--out", out.toString(), "--rounds", "2", "--warmup", "1", "--size", "64");
        assertEquals(0, r.status(), r.out() + r.err());

        List<String> expected = new ArrayList<>();
        for (String b : List.of("cpu", "cpu-threads", "opencl", "cuda")) {
            for (ProbeReport p : Backends.probeAll(2)) if (p.backend().cliName().equals(b) && p.usable()) expected.add(b);
        }
        expected.add("Thumbnailator 0.4.20");
        assertEquals(expected, rowNames(r.out()), r.out());
        assertTrue(r.out().contains(Machine.cpuModel()), "names the CPU: " + r.out());
        assertTrue(r.err().contains("4 images"), r.err());

        String md = Files.readString(out.resolve("bench.md"));
        assertEquals(expected, rowNames(md));
        assertTrue(md.contains("`gpupool bench " + in + " --out " + out), md);
        for (String line : md.split("\n")) {
            if (line.startsWith("| cpu |")) assertTrue(line.contains("workers' RSS") && !line.contains("| 0 MB heap + 0 MB"), line);
        }
        Document svg = BenchReportTest.parse(Files.readString(out.resolve("bench.svg")));
        assertEquals("svg", svg.getDocumentElement().getLocalName());
        for (String name : expected) assertTrue(svg.getDocumentElement().getTextContent().contains(name), name);
    }

    @Test
    void onlyTheNamedBackendsAndNoPeerWhenAsked() throws Exception {
        Path in = tmp.resolve("in");
        SampleImages.write(in, new int[][]{{300, 200}, {200, 300}});
        CliRun r = gpupool("bench", in.toString(), "--out", tmp.resolve("o").toString(), "--rounds", "1", "--warmup", "0",
                "--backend", "cpu-threads", "--no-peer");
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals(List.of("cpu-threads"), rowNames(r.out()));
        assertTrue(r.out().contains("| n/a |"), r.out());
    }

    @Test
    void sharpenAddsARowPerBackendBesideThePlainOne() throws Exception {
        Path in = tmp.resolve("in");
        SampleImages.write(in, new int[][]{{300, 200}, {200, 300}});
        CliRun r = gpupool("bench", "--sharpen", in.toString(), "--out", tmp.resolve("o").toString(), "--rounds", "1", "--warmup", "0",
                "--backend", "cpu-threads", "--no-peer", "--size", "64");
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals(List.of("cpu-threads", "cpu-threads +sharpen"), rowNames(r.out()));
        assertEquals(2, gpupool("bench", "--sharpen=0.5,x").status());
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, gpupool("bench", "--rounds", "0").status());
        assertEquals(2, gpupool("bench", "--backend", "auto").status());
        assertEquals(2, gpupool("bench", tmp.resolve("missing").toString(), "--out", tmp.resolve("o").toString()).status());
        assertFalse(Files.exists(tmp.resolve("o").resolve("bench.md")));
    }
}
