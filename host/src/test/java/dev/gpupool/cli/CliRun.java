package dev.gpupool.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One in-process run of the command line, as the tests see it: the exit status and what it printed.
 *
 * @param status the exit status {@link Main#run} returned
 * @param out    standard output
 * @param err    standard error
 */
public record CliRun(int status, String out, String err) {
    /** The summary line of a {@code thumbnails} run on {@code cpu-threads}, as a pattern. */
    public static final String SUMMARY = "\\d+ ok, \\d+ failed, \\d+ skipped in \\d+\\.\\d\\d s \\(\\d+\\.\\d img/s\\) on cpu-threads";

    /** A usage error of {@code command}: two lines, the reason then where to read more, and nothing on standard output. */
    public void assertUsageError(String command, String reason) {
        org.junit.jupiter.api.Assertions.assertEquals(2, status, err);
        org.junit.jupiter.api.Assertions.assertEquals(2, errLines().size(), "a usage error is two lines:\n" + err);
        org.junit.jupiter.api.Assertions.assertTrue(errLines().get(0).startsWith(command + ": "), err);
        org.junit.jupiter.api.Assertions.assertTrue(errLines().get(0).contains(reason), err);
        org.junit.jupiter.api.Assertions.assertEquals("Try '" + command + " --help' for more information.", errLines().get(1));
        org.junit.jupiter.api.Assertions.assertEquals("", out, "nothing on standard output");
    }

    /** The last line on standard error (the contract's summary line for {@code thumbnails}). */
    public String lastErrLine() {
        String[] lines = err.strip().split("\n");
        return lines[lines.length - 1];
    }

    /** The lines on standard error. */
    public List<String> errLines() {
        return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }

    /** Runs {@code gpupool args...} in this JVM with standard output and error captured; one run at a time. */
    public static CliRun gpupool(String... args) {
        return gpupoolWithStdin(new byte[0], args);
    }

    /** As {@link #gpupool}, with {@code stdin} as standard input. */
    public static synchronized CliRun gpupoolWithStdin(byte[] stdin, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /**
     * The regular files under {@code dir} (none when it does not exist), listed while a batch may still be
     * renaming its temporaries into place there: a file gone mid-walk means list again.
     */
    public static List<java.nio.file.Path> filesUnder(java.nio.file.Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.exists(dir)) return List.of();
        for (int attempt = 1; ; attempt++) {
            try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(dir)) {
                return s.filter(java.nio.file.Files::isRegularFile).toList();
            } catch (java.io.UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt >= 100) throw e;
            }
        }
    }
}
