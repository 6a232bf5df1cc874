package dev.gpupool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.TestImages;
import dev.gpupool.thumbnail.BatchReport;
import dev.gpupool.thumbnail.Thumbnailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19 defect 3: {@code -j 10000} started 132 worker JVMs for 29 inputs. The input count now bounds
 * the {@code cpu} backend's worker processes, from the command line and from the library alike; the
 * command line says so in one line.
 */
class WorkerBoundCliTest {
    @TempDir
    Path tmp;

    private List<Path> photos(int n) throws Exception {
        List<Path> in = new ArrayList<>();
        for (int i = 0; i < n; i++) in.add(TestImages.write(tmp.resolve("in/p" + i + ".jpg"), 96 + i, 64, "jpeg"));
        return in;
    }

    @Test
    void theCommandLineStartsNoMoreWorkerJvmsThanItHasInputsAndSaysSoInOneLine() throws Exception {
        photos(3);
        Path report = tmp.resolve("r.json");
        GpupoolProcess p = GpupoolProcess.run(tmp, Map.of(), "thumbnails", "in", "-o", "out", "--backend", "cpu",
                "-j", "10000", "-s", "32", "--report", report.toString());
        assertEquals(0, p.status(), p.err());
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        // 3 images at 4 threads a process: one worker JVM (without the bound: one per core, 10000 threads asked)
        assertEquals("1 worker process, 3 threads", r.get("device").asText(), p.err());
        // limited by the 3 tasks (or, on a one-core or low-memory machine, by that)
        assertTrue(p.errLines().getFirst().matches("gpupool: 10000 tasks at once asked, 3 on 1 worker process \\(limited by [^)]+\\)"), p.err());
        assertEquals(2, p.errLines().size(), "the warning in one line, then the summary:\n" + p.err());
        assertTrue(p.errLines().getLast().startsWith("3 ok, 0 failed, 0 skipped"), p.err());
    }

    @Test
    void aSingleImageAtTheDefaultSaysNothingButItsSummary() throws Exception {
        photos(1);
        GpupoolProcess p = GpupoolProcess.run(tmp, Map.of(), "thumbnails", "in", "-o", "out", "--backend", "cpu", "-s", "32");
        assertEquals(0, p.status(), p.err());
        assertEquals(1, p.errLines().size(), p.err());
    }

    @Test
    void theLibrarysRunIsBoundByItsInputsToo() throws Exception {
        List<Path> in = photos(2);
        try (Pool pool = Pool.builder().backend(Backend.CPU).workers(10000).open()) {
            BatchReport r = Thumbnailer.on(pool).size(32, 32).run(in, tmp.resolve("lib"));
            assertEquals(2, r.ok());
            assertEquals("1 worker process, 2 threads", r.device(), "2 images: one worker JVM, not one per core");
        }
    }
}
