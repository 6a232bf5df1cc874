package dev.gpupool.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Builds worker command lines and starts worker processes; knows the JVM flags and the CDS cache. */
final class WorkerLauncher {
    private final List<String> prefix;   // java + JVM flags, up to the class path
    private final List<String> suffix;   // -cp <cp> WorkerMain <handler>
    private final Path archive;          // dynamic AppCDS archive, or null when not used

    WorkerLauncher(String handlerClass, List<String> jvmOptions, boolean sharedArchive) {
        String classPath = System.getProperty("java.class.path", "");
        List<String> p = new ArrayList<>();
        p.add(javaExecutable());
        // Workers are short-lived-ish, single-threaded and small: the serial collector starts fastest
        // and has no GC threads per process. Not added when the caller picks a collector (two
        // collectors is a JVM start error).
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
            p.add("-XX:+UseSerialGC");
        }
        p.add("-XX:+ExitOnOutOfMemoryError");  // a worker out of memory is dead weight: exit, count as crash
        p.add("-XX:-UsePerfData");             // no hsperfdata mmap file per worker: faster start, no /tmp litter
        // JVM log output goes to stdout by default, which would corrupt the frame stream before
        // WorkerMain can redirect anything: send warnings and errors to stderr instead.
        p.add("-Xlog:disable");
        p.add("-Xlog:all=warning:stderr");
        p.addAll(jvmOptions);
        this.prefix = List.copyOf(p);
        this.suffix = List.of("-cp", classPath, WorkerMain.class.getName(), handlerClass);
        this.archive = sharedArchive ? archivePath(classPath, jvmOptions) : null;
    }

    /** The same runtime as ours; {@code java.home/bin/java} first, since our own command may be a custom launcher. */
    static String javaExecutable() {
        Path java = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name", "").startsWith("Windows") ? "java.exe" : "java");
        if (Files.isExecutable(java)) {
            return java.toString();
        }
        return ProcessHandle.current().info().command().orElse(java.toString());
    }

    /**
     * The command for one worker. Exactly one process per pool ({@code createsArchive}) may create or
     * refresh the archive (the JVM writes it at exit and validates it at start); the others only map
     * it when it exists, so that concurrent exits do not write the same file.
     */
    List<String> command(boolean createsArchive) {
        List<String> c = new ArrayList<>(prefix);
        if (archive != null) {
            if (createsArchive) {
                c.add("-XX:+AutoCreateSharedArchive");
                c.add("-XX:SharedArchiveFile=" + archive);
            } else if (Files.isReadable(archive)) {
                c.add("-XX:SharedArchiveFile=" + archive);
            }
        }
        c.addAll(suffix);
        return c;
    }

    Process start(boolean createsArchive) throws IOException {
        return new ProcessBuilder(command(createsArchive))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    Path archive() {
        return archive;
    }

    /**
     * {@code <cache dir>/worker-<hash>.jsa}, the hash over everything that invalidates an archive
     * (runtime, class path, JVM options); null when no writable cache directory exists, in which
     * case workers simply start without one.
     */
    static Path archivePath(String classPath, List<String> jvmOptions) {
        Path dir = cacheDirectory();
        if (dir == null) {
            return null;
        }
        String key = String.join("\0", System.getProperty("java.home"), System.getProperty("java.vm.version"),
                classPath, String.join("\0", jvmOptions));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return dir.resolve("worker-" + HexFormat.of().formatHex(digest, 0, 10) + ".jsa");
        } catch (NoSuchAlgorithmException e) {
            return null; // every JDK has SHA-256; never fail over a cache
        }
    }

    static Path cacheDirectory() {
        List<Path> candidates = new ArrayList<>();
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            candidates.add(Path.of(xdg, "gpupool"));
        }
        String home = System.getProperty("user.home");
        if (home != null && !home.isBlank() && !home.equals("?")) {
            candidates.add(Path.of(home, ".cache", "gpupool"));
        }
        candidates.add(Path.of(System.getProperty("java.io.tmpdir"),
                "gpupool-" + System.getProperty("user.name", "user")));
        for (Path dir : candidates) {
            try {
                Files.createDirectories(dir);
                if (Files.isWritable(dir)) {
                    return dir;
                }
            } catch (IOException | RuntimeException e) {
                // try the next one
            }
        }
        return null;
    }
}
