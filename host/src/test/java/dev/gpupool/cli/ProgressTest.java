package dev.gpupool.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** The terminal progress bar: a known total once the inputs are listed, an ETA, and gone before the summary. */
class ProgressTest {
    @Test
    void theBarKnowsItsTotalShowsAnEtaAndIsErasedBeforeTheSummary() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress p = Progress.on(err, true);
        p.total(4);
        p.step();
        String drawn = "";
        // Wait for a redraw that shows the total (the bar may first draw before it knows it, "0/?"; on a
        // busy machine the next update is not at once).
        for (long end = System.nanoTime() + 20_000_000_000L; System.nanoTime() < end && !drawn.contains("1/4"); Thread.sleep(50)) {
            drawn = bytes.toString(StandardCharsets.UTF_8);
        }
        assertTrue(drawn.contains("1/4"), "the total, once listed:\n" + drawn);
        assertTrue(drawn.matches("(?s).*\\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\).*"), "elapsed / ETA:\n" + drawn);
        p.println("FAILED x: because");
        p.step();
        p.close();
        err.println("1 ok, 1 failed, 0 skipped in 0.40 s (2.5 img/s) on cpu");
        Thread.sleep(300); // an update that was due must not come after the summary
        String all = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(all.endsWith("\r\033[K1 ok, 1 failed, 0 skipped in 0.40 s (2.5 img/s) on cpu\n"),
                "the bar erased, the summary last:\n" + all.replace("\r", "\\r").replace("\033", "\\e"));
        assertTrue(all.contains("\r\033[KFAILED x: because\n"), "a message on a line of its own");
    }

    @Test
    void withoutATerminalOnlyMessages() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Progress p = Progress.on(err, false)) {
            p.total(2);
            p.step();
            p.println("FAILED x: because");
        }
        assertEquals("FAILED x: because\n", bytes.toString(StandardCharsets.UTF_8));
    }
}
