package dev.gpupool.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** Builds worker command lines and starts worker processes; knows the JVM flags and the AOT cache. */
final class WorkerLauncher {
    /**
     * JIT thresholds ten times the default. With the defaults, the JIT compilers took about a quarter
     * of a short batch's CPU time (perf), mostly compiling start-up code that runs a few hundred times;
     * now that code stays in the interpreter and only the hot loops get compiled. Long batches reach
     * the same compiled code, a little later (bench/RESULTS.md). The launcher gives the main JVM the
     * same flag.
     */
    static final String LESS_JIT = "-XX:CompileThresholdScaling=10";

    /**
     * glibc malloc settings for workers, unless the environment sets them. By default glibc gives
     * freed memory back to the kernel and serves large blocks with fresh mappings, so libjpeg-turbo's
     * per-image buffers (a progressive JPEG's coefficients take 2 bytes per pixel and channel) were
     * page-faulted and zeroed anew for every image: perf put ~8% of a worker's CPU time in the page
     * fault path. Keeping freed memory (and blocks up to 32 MB in the heap) lets the next image reuse
     * it; the cost is a worker's resident size staying near its peak. Other C libraries ignore them.
     */
    static final java.util.Map<String, String> MALLOC_TUNING = java.util.Map.of(
            "MALLOC_TRIM_THRESHOLD_", Long.toString(1L << 30),
            "MALLOC_MMAP_THRESHOLD_", Long.toString(32L << 20));

    private final List<String> prefix;   // java + JVM flags, up to the class path
    private final List<String> suffix;   // -cp <cp> WorkerMain <handler>
    private final Path cache;            // JDK 25 AOT cache file, or null when not used

    WorkerLauncher(String handlerClass, List<String> jvmOptions, boolean startupCache) {
        String classPath = System.getProperty("java.class.path", "");
        List<String> p = new ArrayList<>();
        p.add(javaExecutable());
        // Workers run a few task threads each and may be numerous: the serial collector starts
        // fastest and has no GC threads per process. Not added when the caller picks a collector
        // (two is a start error).
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
            p.add("-XX:+UseSerialGC");
        }
        p.add("-XX:+ExitOnOutOfMemoryError");  // a worker out of memory is dead weight: exit, count as crash
        p.add("-XX:-UsePerfData");             // no hsperfdata mmap file per worker: faster start, no /tmp litter
        p.add(LESS_JIT);
        // JVM log output goes to stdout by default, which would corrupt the frame stream before
        // WorkerMain can redirect anything: send warnings and errors to stderr instead.
        p.add("-Xlog:disable");
        p.add("-Xlog:all=warning:stderr");
        p.addAll(inherited(jvmOptions));
        p.addAll(jvmOptions);
        this.prefix = List.copyOf(p);
        this.suffix = List.of("-cp", classPath, WorkerMain.class.getName(), handlerClass);
        this.cache = startupCache ? cachePath(classPath, jvmOptions) : null;
    }

    /**
     * What a worker inherits from this JVM unless the caller sets it: the heap limits the user gave
     * (so N workers stay within what was allowed) and native access (the codecs call libraries).
     */
    static List<String> inherited(List<String> callerOptions) {
        List<String> out = new ArrayList<>();
        boolean callerHeap = callerOptions.stream().anyMatch(o -> o.startsWith("-Xmx") || o.startsWith("-XX:MaxRAM"));
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            boolean heap = a.startsWith("-Xmx") || a.startsWith("-Xms") || a.startsWith("-XX:MaxRAMPercentage");
            if ((heap && !callerHeap) || a.startsWith("--enable-native-access")) out.add(a);
        }
        if (out.stream().noneMatch(a -> a.startsWith("--enable-native-access"))) out.add("--enable-native-access=ALL-UNNAMED");
        return out;
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
     * The command for one worker running up to {@code threads} tasks at once. With a cache file,
     * every worker maps it. Without one, the worker given a {@code trainingOutput} records its run
     * and writes an AOT cache there when it exits
     * normally (JEP 514: the JVM assembles it at exit); the pool then renames it into place, so that
     * no process ever maps a half-written file. Other workers start without.
     */
    List<String> command(Path trainingOutput, int threads) {
        List<String> c = new ArrayList<>(prefix);
        if (cache != null && Files.isReadable(cache)) {
            c.add("-XX:AOTCache=" + cache);
        } else if (trainingOutput != null) {
            c.add("-XX:AOTCacheOutput=" + trainingOutput);
        }
        c.addAll(suffix);
        c.add(Integer.toString(threads));
        return c;
    }

    /** Starts a worker that runs up to {@code threads} tasks at once. */
    Process start(Path trainingOutput, int threads) throws IOException {
        // The JVM's cache assembly at a training worker's exit logs warnings and a JAVA_TOOL_OPTIONS
        // line on stderr that mean nothing to a user; that worker's stderr goes to a log beside the
        // cache instead (its task failures still come back through the protocol).
        ProcessBuilder.Redirect err = trainingOutput == null ? ProcessBuilder.Redirect.INHERIT
                : ProcessBuilder.Redirect.to(trainingOutput.resolveSibling(trainingOutput.getFileName() + ".log").toFile());
        ProcessBuilder pb = new ProcessBuilder(command(trainingOutput, threads))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(err);
        MALLOC_TUNING.forEach(pb.environment()::putIfAbsent);
        return pb.start();
    }

    /** Where a training worker should write, or null when no cache is wanted or it already exists. */
    Path trainingOutput() {
        if (cache == null || Files.exists(cache)) {
            return null;
        }
        return cache.resolveSibling(cache.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + System.nanoTime() + ".tmp");
    }

    /** Publishes a training worker's output atomically; never throws (a cache is never worth a failure). */
    void publish(Path trainingOutput) {
        try {
            if (Files.size(trainingOutput) > 0) {
                Files.move(trainingOutput, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                prune(cache.getParent(), KEEP_CACHES, java.time.Duration.ofDays(1));
            }
        } catch (IOException | RuntimeException e) {
            // not written, or another pool won the race: either way workers start fine
        } finally {
            discard(trainingOutput);
            discard(trainingOutput.resolveSibling(trainingOutput.getFileName() + ".log"));
        }
    }

    /** Worker caches kept in the cache directory: one per jar build and JVM option set in use. */
    static final int KEEP_CACHES = 6;

    /**
     * Keeps the cache directory from growing by ~15 MB a build: leaves the {@code keep} newest
     * {@code worker-*.aot} files, and removes training leftovers ({@code *.tmp*}, from workers that
     * died or were killed) older than {@code leftoverAge}. A JVM still mapping a removed cache keeps
     * its mapping. Never throws.
     */
    static void prune(Path dir, int keep, java.time.Duration leftoverAge) {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            long oldLeftover = System.currentTimeMillis() - leftoverAge.toMillis();
            List<Path> caches = new ArrayList<>();
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (!n.startsWith("worker-")) continue;
                if (n.endsWith(".aot")) caches.add(p);
                else if (n.contains(".aot.") && n.contains(".tmp") && Files.getLastModifiedTime(p).toMillis() < oldLeftover) {
                    Files.deleteIfExists(p);
                }
            }
            caches.sort(java.util.Comparator.comparingLong(WorkerLauncher::modified).reversed());
            for (Path old : caches.subList(Math.min(keep, caches.size()), caches.size())) Files.deleteIfExists(old);
        } catch (IOException | RuntimeException e) {
            // best effort: a full cache directory costs disk, never a run
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    static void discard(Path trainingOutput) {
        try {
            Files.deleteIfExists(trainingOutput);
            Files.deleteIfExists(Path.of(trainingOutput + ".config"));
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    Path cache() {
        return cache;
    }

    /**
     * {@code <cache dir>/worker-<hash>.aot}, the hash over everything that invalidates a cache:
     * runtime, JVM options and every class path jar's path, size and modification time (a rebuilt
     * jar gets a new file instead of a cache the JVM would reject). Null when the class path holds
     * a directory (AOT caches only cover jars; the JVM would print errors at every start) or no
     * cache directory is writable: workers then simply start without.
     */
    static Path cachePath(String classPath, List<String> jvmOptions) {
        List<Path> jars = classPathJars(classPath);
        if (jars == null) {
            return null;
        }
        StringBuilder key = new StringBuilder()
                .append(System.getProperty("java.home")).append('\0')
                .append(System.getProperty("java.vm.version")).append('\0')
                .append(String.join("\0", jvmOptions));
        try {
            for (Path jar : jars) {
                key.append('\0').append(jar.toAbsolutePath()).append('\0').append(Files.size(jar))
                        .append('\0').append(Files.getLastModifiedTime(jar).toMillis());
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        Path dir = cacheDirectory();
        if (dir == null) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return dir.resolve("worker-" + HexFormat.of().formatHex(digest, 0, 10) + ".aot");
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
    }

    /** The jars of the class path, with those named by jar manifests' Class-Path; null if any entry is not a jar. */
    static List<Path> classPathJars(String classPath) {
        List<Path> jars = new ArrayList<>();
        try {
            for (String entry : classPath.split(java.io.File.pathSeparator)) {
                if (entry.isEmpty()) {
                    continue;
                }
                Path jar = Path.of(entry);
                if (!Files.isRegularFile(jar)) {
                    return null;
                }
                jars.add(jar);
                // Surefire and launchers pass a manifest-only jar whose Class-Path names the rest.
                try (JarFile jf = new JarFile(jar.toFile())) {
                    Manifest m = jf.getManifest();
                    String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
                    if (cp != null) {
                        for (String ref : cp.trim().split("\\s+")) {
                            if (ref.isEmpty()) {
                                continue;
                            }
                            Path p = Path.of(jar.toAbsolutePath().getParent().toUri().resolve(ref));
                            if (!Files.isRegularFile(p)) {
                                return null;
                            }
                            jars.add(p);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return jars;
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
