package dev.gpupool.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpupool.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes {@code gpupool thumbnails}' option parser and its {@code @FILE} lists, beside fallback-cpu's
 * DecodeFuzzTest and in its shape: each fuzz input's bytes pick a command line from a vocabulary of
 * options and values (good, bad, malformed) and the lines of a list file it names, and one run of the
 * command line in this JVM must keep these properties, whatever it was given:
 * <ul>
 *   <li>it ends, within {@link #RUN_LIMIT_S} seconds (never hangs);</li>
 *   <li>standard error holds no stack trace;</li>
 *   <li>the exit status is 0, 1, 2 or 3; 2 is a usage error, two lines (the reason, then where to read
 *       more); 0 and 1 end with the summary line;</li>
 *   <li>a list's line is only ever an input (issue 19 defect 1): each line is an item of the report by
 *       its stripped text, and a line that reads like an option ({@code --report=FILE}, {@code -o DIR})
 *       changes nothing ({@code FILE} and {@code DIR} never appear);</li>
 *   <li>nothing is written outside {@code -o}'s directory, but the {@code --report} and {@code --trace}
 *       files the command line itself names.</li>
 * </ul>
 * Unless the command line sets {@code --max-pixels} itself, the harness gives it {@link #MAX_PIXELS}: a
 * run is to end, not to do heavy work. {@code -s 10000 --upscale} asks for two 75 MP thumbnails of the
 * 40x30 inputs, which took longer than {@link #RUN_LIMIT_S} s under Jazzer's instrumentation on 2 busy
 * cores (found by CI's fuzzing): the work asked for, not a hang. With the cap those are refused at once.
 * Without {@code JAZZER_FUZZ} (a plain {@code mvn test}) the fuzz test replays its seeds in
 * {@code src/test/resources/dev/gpupool/cli/CommandLineFuzzTestInputs/commandLine/} and any finding saved
 * there; in CI ({@code CI=true}, host's POM) it fuzzes for {@code maxDuration}. {@link #seededRandomPass}
 * also runs a seeded random pass ({@code -Dgpupool.fuzz.seed=N} replays another) in every test run, for
 * {@link #PASS_SECONDS} seconds at most. Longer on demand:
 * <pre>
 * CI=true mvn -B -pl host -am test -Dtest=CommandLineFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.max_duration=30m
 * </pre>
 */
class CommandLineFuzzTest {
    static final int RUN_LIMIT_S = 30;
    /** The {@code --max-pixels} the harness adds (the default, 179 MP, lets an upscale ask for minutes of work). */
    static final String MAX_PIXELS = "4000000";
    static final int PASS_SECONDS = 20;
    /** Ends the command line's part of a fuzz input; what follows is the list file's lines. */
    static final int LIST_START = 0xFF;

    /** Command-line tokens: options (valid, misspelt, malformed), their values (good, bad, hostile), inputs. */
    static final String[] ARGS = {
            "-s", "32", "0", "-1", "65535", "32x", "x24", "32x24", "abc", "1e9", "99999999999999999999", "32,48", ",",
            "-q", "101", "85", "-f", "webp", "png", "same", "bogus", "--fit", "cover", "fill", "--filter", "box", "mitchell",
            "--backend", "cpu-threads", "cuda", "nonsense", "-j", "10000", "--workers=2", "--io-concurrency", "--overwrite",
            "--lenient", "--upscale", "--no-rotate", "--max-pixels", "--report", "report.json", "--report=-", "--trace",
            "trace.json", "-o", "out", "-o", "-", "out/{name}_{size}.{ext}", "tn_%s.jpg", "{bad}", "--", "-", "@list.txt",
            "@missing.txt", "@", "in", "in/a.jpg", "in/sub/b.png", "in/notes.txt", "missing.jpg", "../escape.jpg",
            "--unknown", "-Z", "-oout", "--out=", "=", "--background", "fff", "#12345", "--keep-metadata", "--verbose",
            "na\u00efve \u65e5.jpg", "line\nbreak.jpg", "with space.jpg", "'quoted'.jpg", "\"dq\".jpg", "%s", "{name}",
            "--help", "-h", "--version", "--sharpen", "--crop", "attention", "--avif-speed", "11", "http://127.0.0.1:9/x.jpg",
    };

    /** List-file lines: inputs, and lines an option parser would take for options (none may act as one). */
    static final String[] LINES = {
            "in/a.jpg", "in/sub/b.png", "in", "in/notes.txt", "missing.jpg", "  in/a.jpg  ", "# a comment", "", "   ",
            "--report=EVIL.json", "--report", "EVIL.json", "-o", "EVIL", "--out=EVIL", "-oEVIL", "--overwrite", "--trace=EVIL.json",
            "@list.txt", "@EVIL.txt", "-", "@-", "with space.jpg", "'in/a.jpg'", "\"in/a.jpg\"", "in/a.jpg\r", "../x.jpg",
            "/dev/null", "na\u00efve.jpg", "\t--help", "-s 8", "--backend=cuda",
    };

    static Path sandbox;
    static ExecutorService runner;

    @BeforeAll
    static void setUp() throws IOException {
        sandbox = Files.createTempDirectory("gpupool-cli-fuzz-");
        runner = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "cli-fuzz");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void tearDown() throws IOException {
        runner.shutdownNow();
        deleteTree(sandbox);
    }

    @FuzzTest(maxDuration = "60s")
    void commandLine(byte[] data) throws Exception {
        // URL inputs are part of the command line's language (http://127.0.0.1:9/x.jpg is refused at once), and
        // mutations make other hosts of it: Jazzer's SSRF detector would take each attempt for a finding.
        com.code_intelligence.jazzer.api.BugDetectors.allowNetworkConnections();
        check(data);
    }

    /** A seeded random pass in every test run: fuzz inputs from {@code Random(seed)} for up to {@link #PASS_SECONDS}. */
    @Test
    void seededRandomPass() throws Exception {
        long seed = Long.getLong("gpupool.fuzz.seed", 19L);
        Random random = new Random(seed);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(PASS_SECONDS);
        int runs = 0;
        while (System.nanoTime() < end && runs < 400) {
            byte[] data = new byte[1 + random.nextInt(40)];
            random.nextBytes(data);
            try {
                check(data);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", run " + runs + ", input " + java.util.HexFormat.of().formatHex(data)
                        + ": " + e.getMessage(), e);
            }
            runs++;
        }
        assertTrue(runs >= 10, "only " + runs + " runs in " + PASS_SECONDS + " s");
        System.out.printf("command-line fuzz pass: seed %d, %d runs%n", seed, runs);
    }

    /** The command line and list file {@code data} picks. */
    record Case(List<String> args, List<String> listLines) {
        static Case of(byte[] data) {
            List<String> args = new ArrayList<>(List.of("thumbnails"));
            List<String> lines = new ArrayList<>();
            boolean list = false;
            for (byte b : data) {
                int v = b & 0xFF;
                if (v == LIST_START && !list) list = true;
                else if (!list && args.size() < 24) args.add(ARGS[v % ARGS.length]);
                else if (list && lines.size() < 24) lines.add(LINES[v % LINES.length]);
            }
            // fast and local unless the bytes chose a backend themselves
            if (!args.contains("--backend")) args.addAll(List.of("--backend", "cpu-threads"));
            return new Case(List.copyOf(args), List.copyOf(lines));
        }
    }

    static void check(byte[] data) throws Exception {
        Case c = Case.of(data);
        Path dir = Files.createTempDirectory(sandbox, "case-");
        try {
            check(c, dir);
        } finally {
            deleteTree(dir);
        }
    }

    private static void check(Case c, Path dir) throws Exception {
        TestImages.write(dir.resolve("in/a.jpg"), 40, 30, "jpeg");
        TestImages.write(dir.resolve("in/sub/b.png"), 30, 40, "png");
        Files.writeString(dir.resolve("in/notes.txt"), "not an image");
        // The command line runs in this JVM, whose working directory is not the case's: relative names are
        // made the case directory's here (and only here), so that every write lands where it is checked.
        String evil = dir.resolve("evil").toString();
        List<String> lines = c.listLines().stream().map(l -> l.replace("EVIL", evil))
                .map(l -> l.startsWith("-") || l.startsWith("@") || l.isBlank() ? l : relativeToCase(l, dir)).toList();
        Files.writeString(dir.resolve("list.txt"), String.join("\n", lines) + "\n");
        List<String> args = new ArrayList<>();
        for (int i = 0; i < c.args().size(); i++) {
            String a = c.args().get(i), previous = i == 0 ? "" : c.args().get(i - 1);
            // a value that merely starts with '-' ("-o -Z": a directory named -Z) is still a name, made the case's;
            // "-" (standard output) and what the parser takes for an option are left as they are
            boolean option = THUMBNAILS_OPTIONS.contains(a.contains("=") ? a.substring(0, a.indexOf('=')) : a)
                    || a.length() > 2 && THUMBNAILS_OPTIONS.contains(a.substring(0, 2)); // -o/x, -s256: clustered
            boolean names = List.of("-o", "--out", "--report", "--trace").contains(previous) && !a.equals("-") && !option;
            args.add(names ? dir.resolve(a).toString() : a.startsWith("-oo") ? "-o" + dir.resolve(a.substring(2)) : relativeToCase(a, dir));
        }
        // Right after the command, before any "--" that would make it an input.
        if (args.stream().noneMatch(a -> a.startsWith("--max-pixels"))) args.addAll(1, List.of("--max-pixels", MAX_PIXELS));
        boolean harnessReport = args.stream().noneMatch(a -> a.startsWith("--report"));
        Path report = dir.resolve("harness-report.json");
        if (harnessReport) args.addAll(List.of("--report", report.toString()));
        List<String> absolute = List.copyOf(args);
        Map<Path, FileTime> before = tree(dir);
        java.util.Set<String> cwdBefore = names(Path.of(""));

        CliRun r = runBounded(absolute);
        // Jazzer's agent logs each class it instruments on standard error ("INFO: Instrumented ..."): not gpupool's
        List<String> err = r.errLines().stream().filter(l -> !l.startsWith("INFO: ")).toList();
        String what = "gpupool " + args + " (list: " + c.listLines() + ")\nexit " + r.status() + "\n" + String.join("\n", err);

        String text = String.join("\n", err);
        assertFalse(text.contains("\tat ") || text.contains("Exception in thread") || text.matches("(?s).*\\bjava\\.\\w+\\.\\w*(Exception|Error)\\b.*"),
                "a stack trace or an exception's name:\n" + what);
        assertTrue(r.status() >= 0 && r.status() <= 3, what);
        boolean help = args.contains("--help") || args.contains("-h") || args.contains("--version");
        if (r.status() == 2) {
            assertEquals(2, err.size(), "a usage error is two lines:\n" + what);
            assertTrue(err.get(1).startsWith("Try 'gpupool"), what);
        } else if ((r.status() == 0 || r.status() == 1) && !help) {
            assertTrue(!err.isEmpty() && err.getLast().matches("\\d+ ok, \\d+ failed, \\d+ skipped in .* on \\S+"), "the summary is last:\n" + what);
        } else if (r.status() == 3) {
            assertEquals(1, err.size(), "nothing could run: one line says why:\n" + what);
        }

        // lines that read like options never act as one
        for (String made : List.of("evil", "evil.json", "evil.txt")) {
            assertFalse(Files.exists(dir.resolve(made)), made + " was made from a list line:\n" + what);
        }
        boolean listRead = absolute.stream().anyMatch(a -> a.equals("@" + dir.resolve("list.txt")));
        if (listRead && harnessReport && Files.exists(report) && r.status() != 2) {
            JsonNode items = new ObjectMapper().readTree(report.toFile()).get("items");
            List<String> inputs = new ArrayList<>();
            items.forEach(i -> inputs.add(i.get("input").asText()));
            for (String line : lines) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) continue;
                assertTrue(inputs.contains(t) || t.startsWith("@") || t.equals("-") || isDirectory(t),
                        "list line '" + t + "' is not an input of the report " + inputs + ":\n" + what);
            }
        }

        // nothing written outside -o, but the files the command line names for the report and the trace
        Path out = outDir(absolute);
        List<Path> allowed = new ArrayList<>(List.of(report));
        for (int i = 0; i + 1 < absolute.size(); i++) {
            if (absolute.get(i).equals("--report") || absolute.get(i).equals("--trace")) allowed.add(Path.of(absolute.get(i + 1)));
        }
        for (Map.Entry<Path, FileTime> e : tree(dir).entrySet()) {
            Path p = e.getKey();
            if (e.getValue().equals(before.get(p))) continue;
            boolean ok = (out != null && p.startsWith(out)) || allowed.contains(p);
            assertTrue(ok, p + " was written outside -o " + out + ":\n" + what);
        }
        // above the case directory only where -o, --report or --trace point (-o ../escape.jpg is a directory the user named)
        Path escape = dir.getParent().resolve("escape.jpg");
        boolean named = (out != null && out.normalize().startsWith(escape)) || allowed.stream().anyMatch(p -> p.normalize().equals(escape));
        if (!named) {
            assertFalse(Files.exists(escape), "written above the case directory:\n" + what);
        }
        deleteTree(escape);
        assertEquals(cwdBefore, names(Path.of("")), "written into the working directory:\n" + what);

        if (listRead && r.status() == 2) {
            // a usage error never comes from a list's lines: with the list empty, the verdict is the same
            Files.writeString(dir.resolve("list.txt"), "");
            assertEquals(2, runBounded(absolute).status(), "the list's lines made the usage error:\n" + what);
        }
    }

    /** Every option name of {@code gpupool thumbnails}, as its parser knows them (anything else is a value to it). */
    private static final java.util.Set<String> THUMBNAILS_OPTIONS = new picocli.CommandLine(new Main())
            .getSubcommands().get("thumbnails").getCommandSpec().optionsMap().keySet();

    private static java.util.Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
        }
    }

    /** One run of the command line in this JVM, failed when it takes longer than {@link #RUN_LIMIT_S}. */
    private static CliRun runBounded(List<String> args) throws Exception {
        Future<CliRun> f = runner.submit(() -> CliRun.gpupool(args.toArray(String[]::new)));
        try {
            return f.get(RUN_LIMIT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("gpupool " + args + " did not end in " + RUN_LIMIT_S + " s");
        }
    }

    /** A relative path argument, made the case directory's; options, URLs and values stay as they are. */
    private static String relativeToCase(String a, Path dir) {
        if (a.startsWith("@") && a.length() > 1 && !a.equals("@-")) return "@" + dir.resolve(a.substring(1));
        if (a.startsWith("-") || a.isBlank() || a.contains("://") || a.startsWith("#") || a.startsWith("/")) return a;
        if (a.matches("[0-9x,.e]+|[a-z0-9-]+") && !a.equals("in") && !a.equals("out") && !a.startsWith("report")
                && !a.startsWith("trace") && !a.equals("evil")) {
            return a; // a value (32x24, webp, cover) or a bare word the parser will refuse
        }
        return dir.resolve(a).toString();
    }

    private static boolean isDirectory(String p) {
        try {
            return Files.isDirectory(Path.of(p));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The -o directory (a template's root; null for -o - or none). */
    private static Path outDir(List<String> args) {
        String o = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) break;   // what follows is INPUTs, "-o" among them
            if ((a.equals("-o") || a.equals("--out")) && i + 1 < args.size()) o = args.get(i + 1);
            else if (a.startsWith("--out=")) o = a.substring(6);
            else if (a.startsWith("-o") && a.length() > 2 && !a.startsWith("--")) o = a.substring(2);
        }
        if (o == null || o.equals("-") || o.isBlank()) return null;
        int ph = Math.min(o.contains("%s") ? o.indexOf("%s") : o.length(), o.contains("{") ? o.indexOf('{') : o.length());
        if (ph < o.length()) {
            int slash = o.lastIndexOf('/', ph);
            return slash <= 0 ? Path.of(".").toAbsolutePath() : Path.of(o.substring(0, slash));
        }
        return Path.of(o);
    }

    private static Map<Path, FileTime> tree(Path dir) throws IOException {
        Map<Path, FileTime> m = new HashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) m.put(p, Files.getLastModifiedTime(p));
        }
        return m;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
