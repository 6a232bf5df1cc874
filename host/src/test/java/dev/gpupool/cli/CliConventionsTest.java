package dev.gpupool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpupool.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static dev.gpupool.cli.CliRun.gpupool;
import static dev.gpupool.cli.CliRun.gpupoolWithStdin;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The shell's and vipsthumbnail's conventions, in process: name templates, {@code -} for standard input
 * and output, {@code --report -}, two-line usage errors, the help, and {@code @FILE} lists that are lists,
 * never options. (Real standard input and output, and a template relative to the current directory, are
 * {@link StdioProcessTest}'s.)
 */
class CliConventionsTest {
    private static final String SUMMARY = CliRun.SUMMARY;

    @TempDir
    Path tmp;

    private Path photos() throws IOException {
        Path in = tmp.resolve("in");
        TestImages.write(in.resolve("a.jpg"), 400, 300, "jpeg");
        TestImages.write(in.resolve("sub/b.png"), 300, 400, "png");
        return in;
    }

    private static Dimension dim(Path p) throws IOException {
        BufferedImage img = ImageIO.read(p.toFile());
        assertNotNull(img, "not a readable image: " + p);
        return new Dimension(img.getWidth(), img.getHeight());
    }

    private static boolean isPng(Path p) throws IOException {
        byte[] h = Files.readAllBytes(p);
        return h.length > 4 && (h[0] & 0xFF) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G';
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** The error and where to read more: two lines, whatever the mistake. */
    private static void assertTwoLineUsageError(CliRun r, String command, String reason) {
        r.assertUsageError(command, reason);
    }

    @Test
    void usageErrorsAreTwoLines() throws Exception {
        Path in = photos(), out = tmp.resolve("out");
        assertTwoLineUsageError(gpupool("thumbnails"), "gpupool thumbnails", "Missing required");
        assertTwoLineUsageError(gpupool("thumbnails", in.toString(), "-o", out.toString(), "--sise", "64"),
                "gpupool thumbnails", "Unknown option: '--sise' (did you mean --size?)");
        assertTwoLineUsageError(gpupool("thumbnails", in.toString(), "-o", out.toString(), "-q", "0"), "gpupool thumbnails", "--quality must be 1..100");
        assertTwoLineUsageError(gpupool(), "gpupool", "a command is needed");
        assertTwoLineUsageError(gpupool("frobnicate"), "gpupool", "frobnicate");
        assertFalse(Files.exists(out), "a usage error writes nothing");
    }

    @Test
    void helpHasExamplesAReadableSizeAndSparkInTheCommandList() {
        CliRun h = gpupool("thumbnails", "--help");
        assertEquals(0, h.status());
        assertTrue(h.out().contains("Examples:"), h.out());
        assertTrue(h.out().contains("gpupool thumbnails *.jpg -o tn_%s.jpg"), "the template example, % intact:\n" + h.out());
        assertTrue(h.out().contains("| gpupool thumbnails - -o - > a.jpg"), h.out());
        assertTrue(h.out().contains("-s, --size=SIZE[,SIZE...]"), h.out());
        assertFalse(h.out().contains("N|WxH[,...][,"), "the old, doubled size synopsis:\n" + h.out());
        assertFalse(h.err().contains("WARN"), "picocli could not format a help line:\n" + h.err());

        CliRun top = gpupool("--help");
        assertEquals(0, top.status());
        assertTrue(top.out().matches("(?s).*\\n  spark +The thumbnails job on Apache Spark.*"), top.out());
        CliRun spark = gpupool("spark", "photos", "-o", "out");
        assertEquals(3, spark.status(), "the jar alone cannot run Spark");
        assertTrue(spark.err().contains("./gpupool spark"), spark.err());
    }

    @Test
    void aTemplateNamesTheOutputsAndMirrorsTheTree() throws Exception {
        Path in = photos(), report = tmp.resolve("report.json");
        String template = tmp.resolve("t/tn_%s.jpg").toString();
        CliRun r = gpupool("thumbnails", in.toString(), "-o", template, "-s", "64", "--backend", "cpu-threads", "--report", report.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of(tmp.resolve("t/sub/tn_b.jpg"), tmp.resolve("t/tn_a.jpg")), filesUnder(tmp.resolve("t")));
        assertEquals(new Dimension(64, 48), dim(tmp.resolve("t/tn_a.jpg")));
        assertFalse(Files.exists(Path.of(template)), "no directory named after the template");
        JsonNode j = new ObjectMapper().readTree(report.toFile());
        assertEquals(tmp.resolve("t/tn_a.jpg").toString(), j.get("items").get(0).get("output").asText());

        CliRun again = gpupool("thumbnails", in.toString(), "-o", template, "-s", "64", "--backend", "cpu-threads");
        assertTrue(again.lastErrLine().startsWith("0 ok, 0 failed, 2 skipped"), "a rerun resumes:\n" + again.err());
    }

    @Test
    void aTemplateWithSeveralSizesAndTheFormatItNames() throws Exception {
        Path a = photos().resolve("a.jpg");
        // No {size}: _SIZE before the extension; the literal .png sets the format.
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", tmp.resolve("m/%s.png").toString(), "-s", "32,100x50",
                "--backend", "cpu-threads").status());
        assertEquals(List.of(tmp.resolve("m/a_100x50.png"), tmp.resolve("m/a_32.png")), filesUnder(tmp.resolve("m")));
        assertTrue(isPng(tmp.resolve("m/a_32.png")), "written as PNG");
        assertEquals(new Dimension(67, 50), dim(tmp.resolve("m/a_100x50.png")));

        // {size} in a directory, {ext} from -f; without an extension, .{ext} is added.
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", tmp.resolve("s/{size}/{name}.{ext}").toString(), "-s", "32,64",
                "-f", "png", "--backend", "cpu-threads").status());
        assertEquals(List.of(tmp.resolve("s/32/a.png"), tmp.resolve("s/64/a.png")), filesUnder(tmp.resolve("s")));
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", tmp.resolve("n/small_{name}").toString(), "--backend", "cpu-threads").status());
        assertEquals(List.of(tmp.resolve("n/small_a.jpg")), filesUnder(tmp.resolve("n")));
    }

    @Test
    void aTemplateThatCannotWorkIsAUsageError() throws Exception {
        Path a = photos().resolve("a.jpg");
        String t = tmp.resolve("bad").toString();
        assertTwoLineUsageError(gpupool("thumbnails", a.toString(), "-o", t + "/%s.png", "-f", "webp"), "gpupool thumbnails", "writes png but --format says webp");
        assertTwoLineUsageError(gpupool("thumbnails", a.toString(), "-o", t + "/%s.tif"), "gpupool thumbnails", "not .tif");
        assertTwoLineUsageError(gpupool("thumbnails", a.toString(), "-o", t + "/{nam}.jpg"), "gpupool thumbnails", "unknown placeholder {nam}");
        assertTwoLineUsageError(gpupool("thumbnails", a.toString(), "-o", t + "/x_{size}.jpg"), "gpupool thumbnails", "needs %s or {name}");
        assertTwoLineUsageError(gpupool("thumbnails", a.toString(), "-o", t + "/{name.jpg"), "gpupool thumbnails", "'{' without '}'");
        assertEquals(0, gpupool("thumbnails", a.toString(), "-o", t + "/%s.jpg", "-f", "jpeg", "--backend", "cpu-threads").status(),
                "-f may repeat the template's format");
    }

    @Test
    void aTemplateNeverWritesThroughALinkUnderItsRoot() throws Exception {
        Path in = photos(), root = tmp.resolve("t"), outside = tmp.resolve("outside");
        Files.createDirectories(root);
        Files.createDirectories(outside);
        Files.createSymbolicLink(root.resolve("sub"), outside);
        CliRun r = gpupool("thumbnails", in.toString(), "-o", root.resolve("tn_%s.jpg").toString(), "--backend", "cpu-threads");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("FAILED " + in.resolve("sub/b.png") + ": output path goes through a symbolic link: sub"), r.err());
        assertEquals(List.of(), filesUnder(outside));
        assertTrue(Files.exists(root.resolve("tn_a.jpg")));
    }

    @Test
    void theInputDashIsOneImageFromStandardInput() throws Exception {
        Path in = photos(), out = tmp.resolve("out");
        byte[] jpeg = Files.readAllBytes(in.resolve("a.jpg"));
        CliRun r = gpupoolWithStdin(jpeg, "thumbnails", "-", "-o", out.toString(), "-s", "64", "-f", "same", "--backend", "cpu-threads");
        assertEquals(0, r.status(), r.err());
        assertEquals(new Dimension(64, 48), dim(out.resolve("stdin.jpg")), "named stdin, and -f same knows it is a JPEG");
        assertFalse(Files.exists(Path.of("-")), "no file named -");
        CliRun again = gpupoolWithStdin(jpeg, "thumbnails", "-", "-o", out.toString(), "-s", "64", "--backend", "cpu-threads");
        assertTrue(again.lastErrLine().startsWith("1 ok, 0 failed, 0 skipped"), "standard input is never up to date:\n" + again.err());

        CliRun empty = gpupoolWithStdin(new byte[0], "thumbnails", "-", "-o", out.toString(), "--backend", "cpu-threads");
        assertEquals(1, empty.status());
        assertTrue(empty.err().contains("FAILED -: standard input is empty"), empty.err());
        CliRun big = gpupoolWithStdin(jpeg, "thumbnails", "-", "-o", out.toString(), "--max-pixels", "1000", "--backend", "cpu-threads");
        assertEquals(1, big.status(), "--max-pixels applies to standard input:\n" + big.err());
        assertTrue(big.err().contains("FAILED -: "), big.err());
        assertTwoLineUsageError(gpupool("thumbnails", "-", "@-", "-o", out.toString()), "gpupool thumbnails", "standard input can be read once");
    }

    @Test
    void dashOutIsOneImageOfOneInputAtOneSize() throws Exception {
        Path in = photos(), a = in.resolve("a.jpg");
        String cmd = "gpupool thumbnails";
        assertTwoLineUsageError(gpupool("thumbnails", a.toString(), a.toString(), "-o", "-"), cmd, "give exactly one INPUT");
        assertTwoLineUsageError(gpupool("thumbnails", in.toString(), "-o", "-"), cmd, "not a directory");
        assertTwoLineUsageError(gpupool("thumbnails", "@" + a, "-o", "-"), cmd, "not a list");
        assertTwoLineUsageError(gpupool("thumbnails", a.toString(), "-o", "-", "-s", "32,64"), cmd, "give one size, not 2");
        assertTwoLineUsageError(gpupool("thumbnails", a.toString(), "-o", "-", "--report", "-"), cmd, "--report - would both write to standard output");

        Path report = tmp.resolve("r.json");
        CliRun r = gpupool("thumbnails", a.toString(), "-o", "-", "-s", "32", "-f", "png", "--backend", "cpu-threads", "--report", report.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("\u0089PNG") || r.out().startsWith("\uFFFDPNG"), "the PNG on standard output");
        assertTrue(r.lastErrLine().matches(SUMMARY), r.err());
        assertEquals("-", new ObjectMapper().readTree(report.toFile()).get("items").get(0).get("output").asText());
        assertFalse(Files.exists(Path.of("-")), "no file named -");

        CliRun missing = gpupool("thumbnails", tmp.resolve("nope.jpg").toString(), "-o", "-", "--backend", "cpu-threads");
        assertEquals(1, missing.status());
        assertEquals("", missing.out(), "nothing on standard output for a failed input");
    }

    @Test
    void dashReportIsTheJsonOnStandardOutputBeforeTheSummary() throws Exception {
        Path in = photos(), out = tmp.resolve("out");
        CliRun r = gpupool("thumbnails", in.toString(), "-o", out.toString(), "--report", "-", "--backend", "cpu-threads");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(2, j.get("ok").asInt());
        assertEquals(2, j.get("items").size());
        assertTrue(r.lastErrLine().matches(SUMMARY), r.err());
        assertFalse(Files.exists(Path.of("-")), "no file named -");
    }

    @Test
    void anAtFileIsAListOfInputsNeverOfOptions() throws Exception {
        Path in = photos(), out = tmp.resolve("out"), victim = tmp.resolve("victim.json"), elsewhere = tmp.resolve("elsewhere");
        Files.writeString(victim, "keep me");
        Path spaced = tmp.resolve("my \"best\" photo.jpg");
        Files.copy(in.resolve("a.jpg"), spaced);
        Path list = tmp.resolve("list.txt");
        Files.writeString(list, "--report=" + victim + "\n-o\n" + elsewhere + "\n" + spaced + "\n");
        CliRun r = gpupool("thumbnails", "@" + list, "-o", out.toString(), "--backend", "cpu-threads");
        assertEquals(1, r.status(), r.err());
        assertEquals("keep me", Files.readString(victim), "a list's --report= line is not an option");
        assertFalse(Files.exists(elsewhere), "a list's -o line is not an option");
        assertTrue(r.err().contains("FAILED --report=" + victim + ": no such file or directory"), r.err());
        assertTrue(Files.exists(out.resolve("my \"best\" photo.jpg")), "a name with spaces and quotes, intact: " + filesUnder(out));
        assertTrue(r.lastErrLine().startsWith("1 ok, 3 failed"), r.err());
    }

    @Test
    void aListThatNeverEndsOrHasAHugeLineFailsWithAReason() throws Exception {
        Path out = tmp.resolve("out");
        CliRun zero = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> gpupool("thumbnails", "@/dev/zero", "-o", out.toString(), "--backend", "cpu-threads"));
        assertEquals(1, zero.status(), zero.err());
        assertTrue(zero.err().contains("FAILED @/dev/zero: cannot read the input list: not a regular file or a pipe"), zero.err());
        assertTrue(zero.lastErrLine().startsWith("0 ok, 1 failed"), zero.err());

        Path list = tmp.resolve("long.txt");
        Files.writeString(list, "x".repeat(70_000) + "\n");
        CliRun longLine = gpupool("thumbnails", "@" + list, "-o", out.toString(), "--backend", "cpu-threads");
        assertEquals(1, longLine.status());
        assertTrue(longLine.err().contains("FAILED @" + list + ": cannot read the input list: line 1 is longer than 65536 bytes"), longLine.err());
        assertEquals(2, longLine.errLines().size(), "one line for the list, then the summary:\n" + longLine.err());
    }
}
