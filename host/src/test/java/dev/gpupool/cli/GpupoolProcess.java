package dev.gpupool.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code gpupool} in a JVM of its own, as {@code java -cp ... Main}: for what only a real process shows
 * (its locale, its worker JVMs, its exit status and standard error as a script sees them).
 *
 * @param status the exit status
 * @param err    standard error, decoded as UTF-8
 */
record GpupoolProcess(int status, String err) {

    /** Runs {@code gpupool args...} in {@code dir} with {@code env} added to (or, for null values, removed from) the environment. */
    static GpupoolProcess run(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = builder(dir, env, args);
        Path err = Files.createTempFile("gpupool-err-", ".txt");
        try {
            Process p = pb.redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("gpupool " + String.join(" ", args) + " did not end in 120 s");
            }
            return new GpupoolProcess(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The process builder behind {@link #run}, not started. */
    static ProcessBuilder builder(Path dir, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        env.forEach((k, v) -> {
            if (v == null) pb.environment().remove(k);
            else pb.environment().put(k, v);
        });
        return pb;
    }

    /** The lines of standard error. */
    List<String> errLines() {
        return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }
}
