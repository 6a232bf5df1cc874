package dev.gpupool.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One in-process run of the command line, as the tests see it: the exit status and what it printed.
 *
 * @param status the exit status {@link Main#run} returned
 * @param out    standard output
 * @param err    standard error
 */
public record CliRun(int status, String out, String err) {
    /** The last line on standard error (the contract's summary line for {@code thumbnails}). */
    public String lastErrLine() {
        String[] lines = err.strip().split("\n");
        return lines[lines.length - 1];
    }

    /** Runs {@code gpupool args...} in this JVM with standard output and error captured; one run at a time. */
    public static synchronized CliRun gpupool(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
