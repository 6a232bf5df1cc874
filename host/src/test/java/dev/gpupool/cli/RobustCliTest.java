package dev.gpupool.cli;

import dev.gpupool.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;

import static dev.gpupool.cli.CliRun.gpupool;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 19's adversarial review, on the command line: inputs and files gpupool did not write are never
 * replaced, impossible sizes, names that would forge lines, odd option values, report and trace files
 * that cannot be written.
 */
class RobustCliTest {
    private static final String SUMMARY = CliRun.SUMMARY;

    @TempDir
    Path tmp;

    private Path photos() throws IOException {
        Path in = tmp.resolve("in");
        TestImages.write(in.resolve("a.jpg"), 400, 300, "jpeg");
        TestImages.write(in.resolve("b.jpg"), 300, 400, "jpeg");
        return in;
    }

    private static void assertUsageError(CliRun r, String reason) {
        r.assertUsageError("gpupool thumbnails", reason);
    }

    // ---- defect 2: originals replaced by thumbnails

    @Test
    void theInputDirectoryAsOutputIsAUsageErrorEvenWithOverwrite() throws Exception {
        Path in = photos();
        byte[] a = Files.readAllBytes(in.resolve("a.jpg"));
        assertUsageError(gpupool("thumbnails", in.toString(), "-o", in.toString(), "--overwrite", "--backend", "cpu-threads"),
                "is the input directory");
        // Through a symbolic link too: real paths are compared.
        Path link = Files.createSymbolicLink(tmp.resolve("link"), in);
        assertUsageError(gpupool("thumbnails", in.toString(), "-o", link.toString(), "--overwrite", "--backend", "cpu-threads"),
                "is the input directory");
        assertArrayEquals(a, Files.readAllBytes(in.resolve("a.jpg")), "the original is untouched");
    }

    @Test
    void anOutputThatIsAnInputIsNeverWrittenEvenWithOverwrite() throws Exception {
        Path in = photos();
        byte[] a = Files.readAllBytes(in.resolve("a.jpg"));
        for (String overwrite : new String[]{"--overwrite", "--quality=85"}) {
            CliRun r = gpupool("thumbnails", in.resolve("a.jpg").toString(), "-o", in.toString(), overwrite, "--backend", "cpu-threads");
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().contains("FAILED " + in.resolve("a.jpg") + ": output " + in.resolve("a.jpg")
                    + " is an input of this batch"), r.err());
            assertTrue(r.lastErrLine().startsWith("0 ok, 1 failed, 0 skipped"), r.lastErrLine());
            assertArrayEquals(a, Files.readAllBytes(in.resolve("a.jpg")), "the original is untouched (" + overwrite + ")");
        }
    }

    @Test
    void aFileGpupoolDidNotWriteIsReplacedOnlyWithOverwrite() throws Exception {
        Path in = photos(), out = tmp.resolve("out");
        Files.createDirectories(out);
        byte[] mine = "my own notes, not a thumbnail".getBytes();
        Files.write(out.resolve("a.jpg"), mine);
        Files.setLastModifiedTime(out.resolve("a.jpg"), FileTime.fromMillis(System.currentTimeMillis() - 86_400_000L));
        Files.setLastModifiedTime(in.resolve("a.jpg"), FileTime.fromMillis(System.currentTimeMillis() - 3_600_000L));
        CliRun r = gpupool("thumbnails", in.toString(), "-o", out.toString(), "--backend", "cpu-threads");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("FAILED " + in.resolve("a.jpg") + ": " + out.resolve("a.jpg")
                + " exists and was not written by gpupool: not replaced without --overwrite"), r.err());
        assertTrue(r.lastErrLine().startsWith("1 ok, 1 failed, 0 skipped"), r.lastErrLine());
        assertArrayEquals(mine, Files.readAllBytes(out.resolve("a.jpg")), "the unrelated file is kept");
        // gpupool's own output, older than a changed input, is redone without --overwrite.
        Files.setLastModifiedTime(in.resolve("b.jpg"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        CliRun again = gpupool("thumbnails", in.resolve("b.jpg").toString(), "-o", out.toString(), "--backend", "cpu-threads");
        assertEquals(0, again.status(), again.err());
        assertTrue(again.lastErrLine().startsWith("1 ok, 0 failed, 0 skipped"), again.lastErrLine());
        // --overwrite replaces the unrelated file.
        CliRun forced = gpupool("thumbnails", in.toString(), "-o", out.toString(), "--overwrite", "--backend", "cpu-threads");
        assertEquals(0, forced.status(), forced.err());
        assertFalse(Arrays.equals(mine, Files.readAllBytes(out.resolve("a.jpg"))));
    }

    // ---- defect 11: integer overflow on large sizes with --upscale

    @Test
    void aHugeUpscaledSizeFailsItsItemWithOneClearLine() throws Exception {
        Path in = photos(), out = tmp.resolve("out");
        for (String backend : new String[]{"cpu-threads", "cpu"}) {
            for (String size : new String[]{"65535", "40000", "30000x"}) {
                CliRun r = gpupool("thumbnails", in.resolve("a.jpg").toString(), "-o", out.toString(), "-s", size, "--upscale",
                        "--backend", backend, "-j", "1");
                assertEquals(1, r.status(), r.err());
                String failed = r.errLines().getFirst();
                assertTrue(failed.startsWith("FAILED " + in.resolve("a.jpg") + ": output "), r.err());
                assertTrue(failed.contains("pixels, over the limit of 178956970 (--max-pixels): give a smaller size"), r.err());
                assertEquals(2, r.errLines().size(), "one FAILED line and the summary, no stack trace:\n" + r.err());
                assertTrue(r.lastErrLine().startsWith("0 ok, 1 failed"), r.lastErrLine());
            }
        }
        assertFalse(Files.exists(out.resolve("a.jpg")));
        // Within the limit it still enlarges.
        CliRun ok = gpupool("thumbnails", in.resolve("a.jpg").toString(), "-o", out.toString(), "-s", "800", "--upscale", "--backend", "cpu-threads");
        assertEquals(0, ok.status(), ok.err());
    }

    @Test
    void aSizeThatCanNeverBeMadeIsAUsageError() {
        assertUsageError(gpupool("thumbnails", tmp.toString(), "-o", tmp.resolve("out").toString(), "-s", "65535", "--upscale", "--fit", "cover"),
                "-s 65535 with --upscale --fit cover makes 4294836225-pixel outputs, over the limit of 178956970");
        assertUsageError(gpupool("thumbnails", tmp.toString(), "-o", tmp.resolve("out").toString(), "-s", "20000x10000", "--upscale", "--fit", "fill"),
                "over the limit");
    }

    // ---- defect 14: printing is safe

    @Test
    void aFileNameCannotForgeLinesOnStandardError() throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        String forged = "x.jpg: no\nFAILED forged.jpg: yes\n9 ok, 0 failed, 0 skipped in 0.01 s on cpu-threads\n\u001b[2Jz.jpg";
        Path evil = in.resolve(forged);
        Files.writeString(evil, "not an image");
        CliRun r = gpupool("thumbnails", evil.toString(), "-o", tmp.resolve("out").toString(), "--backend", "cpu-threads");
        assertEquals(1, r.status(), r.err());
        assertEquals(2, r.errLines().size(), "one FAILED line and the summary:\n" + r.err());
        String failed = r.errLines().getFirst();
        assertTrue(failed.startsWith("FAILED " + in + "/x.jpg: no\\nFAILED forged.jpg: yes\\n9 ok, 0 failed"), failed);
        assertTrue(failed.contains("on cpu-threads\\n\\x1b[2Jz.jpg: "), failed);
        assertFalse(r.err().contains("\u001b"), "no control character reaches the terminal");
        assertTrue(r.lastErrLine().matches(SUMMARY), r.lastErrLine());
        assertTrue(r.lastErrLine().startsWith("0 ok, 1 failed, 0 skipped"), r.lastErrLine());
    }

    @Test
    void escapeKeepsOrdinaryTextAndEscapesControls() {
        assertEquals("photos/été 1.jpg", Printable.escape("photos/été 1.jpg"));
        assertEquals("a\\nb\\r\\t\\x00\\x7f\\x85\\u2028c\\", Printable.escape("a\nb\r\t\u0000\u007f\u0085\u2028c\\"));
    }

    // ---- defect 15: odd option values, "BM" text

    @Test
    void aThreeDigitBackgroundIsReadAsCssReadsIt() throws Exception {
        Path png = tmp.resolve("clear.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_ARGB), "png", png.toFile());
        for (String[] c : new String[][]{{"fff", "ffffff"}, {"#0f0", "00ff00"}, {"08f", "0088ff"}}) {
            Path out = tmp.resolve("out-" + c[1]);
            CliRun r = gpupool("thumbnails", png.toString(), "-o", out.toString(), "--background", c[0], "--backend", "cpu-threads");
            assertEquals(0, r.status(), r.err());
            int rgb = javax.imageio.ImageIO.read(out.resolve("clear.jpg").toFile()).getRGB(32, 32) & 0xFFFFFF;
            int want = Integer.parseInt(c[1], 16);
            for (int shift = 0; shift <= 16; shift += 8) {
                assertEquals((want >> shift) & 0xFF, (rgb >> shift) & 0xFF, 3, c[0] + " gave " + Integer.toHexString(rgb));
            }
        }
        for (String bad : new String[]{"ff", "ffff", "fffffff", "12345678", "ggg", "#"}) {
            assertUsageError(gpupool("thumbnails", png.toString(), "-o", tmp.resolve("o").toString(), "--background", bad),
                    "--background must be a hex colour like ffffff or fff");
        }
    }

    @Test
    void anEmptyOrFileOutputIsAUsageError() throws Exception {
        Path in = photos();
        assertUsageError(gpupool("thumbnails", in.toString(), "-o", "", "--backend", "cpu-threads"), "-o needs a directory, a template or -");
        Path file = tmp.resolve("notes.txt");
        Files.writeString(file, "keep me");
        assertUsageError(gpupool("thumbnails", in.toString(), "-o", file.toString(), "--backend", "cpu-threads"),
                "-o " + file + " exists and is not a directory");
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void textStartingWithBmIsNotABmp() throws Exception {
        Path dir = tmp.resolve("in");
        Files.createDirectories(dir);
        Path text = dir.resolve("bmw.bmp");
        Files.writeString(text, "BMW service history: 2019 brakes, 2021 tyres, 2023 battery\n");
        Files.writeString(dir.resolve("notes"), "BMW service history, no extension\n");
        TestImages.write(dir.resolve("real.bmp"), 40, 30, "bmp");
        Files.copy(dir.resolve("real.bmp"), dir.resolve("real-no-extension"));
        CliRun r = gpupool("thumbnails", dir.toString(), "-o", tmp.resolve("out").toString(), "--backend", "cpu-threads");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("FAILED " + text + ": not a recognised image format"), r.err());
        assertFalse(r.err().contains("notes"), "a text file without an image extension is passed over:\n" + r.err());
        assertTrue(r.lastErrLine().startsWith("2 ok, 1 failed"), r.lastErrLine());
        assertTrue(Files.exists(tmp.resolve("out/real.jpg")) && Files.exists(tmp.resolve("out/real-no-extension.jpg")));
    }

    // ---- defect 13: report and trace files that cannot be written

    @Test
    void aReportOrTraceThatCannotBeWrittenIsAUsageErrorBeforeAnyWork() throws Exception {
        Path in = photos(), out = tmp.resolve("out");
        Path missing = tmp.resolve("no/such/dir/report.json");
        assertUsageError(gpupool("thumbnails", in.toString(), "-o", out.toString(), "--report", missing.toString(), "--backend", "cpu-threads"),
                "--report " + missing + ": the directory " + missing.getParent() + " does not exist");
        assertUsageError(gpupool("thumbnails", in.toString(), "-o", out.toString(), "--report", tmp.toString(), "--backend", "cpu-threads"),
                "--report " + tmp + " is a directory");
        assertUsageError(gpupool("thumbnails", in.toString(), "-o", out.toString(), "--trace", missing.toString(), "--backend", "cpu-threads"),
                "--trace " + missing + ": the directory " + missing.getParent() + " does not exist");
        assertUsageError(gpupool("thumbnails", in.toString(), "-o", out.toString(), "--trace", tmp.toString(), "--backend", "cpu-threads"),
                "--trace " + tmp + " is a directory");
        assertFalse(Files.exists(tmp.resolve("no")), "no directory is made for a report");
        assertFalse(Files.exists(out), "nothing ran");
        // found by CommandLineFuzzTest: "--trace -" wrote a file named "-" into the working directory
        assertUsageError(gpupool("thumbnails", in.toString(), "-o", out.toString(), "--trace", "-", "--backend", "cpu-threads"),
                "--trace - : the trace goes to a file");
        assertFalse(Files.exists(Path.of("-")), "a file named - in the working directory");
    }

    @Test
    void aReportOrTraceThatFailsAtTheEndIsOneLineThenTheSummaryAndExit1() throws Exception {
        Path in = photos(), out = tmp.resolve("out");
        Path tooLong = tmp.resolve("r".repeat(256)); // passes the check, fails when written
        for (String option : new String[]{"--report", "--trace"}) {
            CliRun r = gpupool("thumbnails", in.toString(), "-o", out.toString(), option, tooLong.toString(), "--backend", "cpu-threads",
                    "--overwrite");
            assertEquals(1, r.status(), option + ": every input was written, the " + option + " file was not\n" + r.err());
            assertEquals(2, r.errLines().size(), "one line and the summary, no stack trace:\n" + r.err());
            assertTrue(r.errLines().getFirst().startsWith("gpupool: cannot write the " + option.substring(2) + " to " + tooLong + ": "), r.err());
            assertTrue(r.lastErrLine().startsWith("2 ok, 0 failed, 0 skipped"), r.lastErrLine());
        }
    }
}
