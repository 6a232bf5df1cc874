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
     *
     * <p>32 MB is the most glibc takes for {@code MALLOC_MMAP_THRESHOLD_}, and a 12 MP progressive JPEG's
     * coefficients take 36 MB: {@code MALLOC_MMAP_MAX_=0} keeps such blocks in the heap too (glibc still
     * maps a block larger than a thread arena's 64 MB heap). Measured on 42 progressive photos: 0.91x the
     * time and 0.93x the CPU, the largest process's peak resident size 309 -> 469 MB.
     */
    static final java.util.Map<String, String> MALLOC_TUNING = java.util.Map.of(
            "MALLOC_TRIM_THRESHOLD_", Long.toString(1L << 30),
            "MALLOC_MMAP_THRESHOLD_", Long.toString(32L << 20),
            "MALLOC_MMAP_MAX_", "0");

    private final List<String> prefix;   // java + JVM flags, up to the class path
    private final List<String> suffix;   // -cp <cp> WorkerMain <handler>
    private final Path cache;            // JDK 25 AOT cache file, or null when not used
    private final java.util.Map<String, String> malloc; // MALLOC_TUNING, within the worker's memory share

    WorkerLauncher(String handlerClass, List<String> jvmOptions, boolean startupCache) {
        this(handlerClass, System.getProperty("java.class.path", ""), jvmOptions, startupCache);
    }

    /** Workers on {@code classPath} (see {@link WorkerClassPath}: not always {@code java.class.path}). */
    WorkerLauncher(String handlerClass, String classPath, List<String> jvmOptions, boolean startupCache) {
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
        this.malloc = mallocTuning(jvmOptions);
    }

    /**
     * {@link #MALLOC_TUNING} for a worker with these options: under a memory budget (a {@code -Xmx} the
     * caller or {@link MachineBudget} set), glibc keeps at most {@link MachineBudget#mallocTrim} of freed
     * memory instead of 1 GiB, so that what a worker holds between images stays within its share.
     */
    static java.util.Map<String, String> mallocTuning(List<String> jvmOptions) {
        long heap = -1;
        for (String o : jvmOptions) heap = Math.max(heap, PoolShape.bytes(o));
        if (heap <= 0) return MALLOC_TUNING;
        long trim = MachineBudget.mallocTrim(heap);
        return java.util.Map.of("MALLOC_TRIM_THRESHOLD_", Long.toString(trim),
                "MALLOC_MMAP_THRESHOLD_", Long.toString(Math.min(32L << 20, trim)));
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
            if (heap && !callerHeap) out.add(a);
        }
        // Workers run on the class path even when this JVM runs on the module path, so all their code is
        // unnamed: ALL-UNNAMED is what they need, and module names given to this JVM
        // (--enable-native-access=dev.gpupool,...) would only make each worker warn "Unknown module".
        out.add("--enable-native-access=ALL-UNNAMED");
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

    /** The smaller of two byte counts given as text; {@code a} when it is not a number. */
    static String smaller(String a, String b) {
        try {
            return Long.parseLong(a.strip()) <= Long.parseLong(b) ? a : b;
        } catch (NumberFormatException e) {
            return a;
        }
    }

    /** A started worker process and the reader of its standard error. */
    record Started(Process process, WorkerStderr stderr) {
    }

    /** Starts a worker that runs up to {@code threads} tasks at once. */
    Started start(Path trainingOutput, int threads) throws IOException {
        // Standard error is read by the pool (WorkerStderr): held back until the worker is ready, so
        // that a worker that cannot start is explained in one line. The JVM's cache assembly at a
        // training worker's exit logs warnings and a JAVA_TOOL_OPTIONS line there that mean nothing
        // to a user: that worker's is dropped once it is ready (its task failures still come back
        // through the protocol). Nothing goes to a file, so nothing is left behind.
        ProcessBuilder pb = new ProcessBuilder(command(trainingOutput, threads))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.PIPE);
        // The environment's settings win (the launcher script exports the 1 GiB defaults), unless the
        // worker's memory share asks for less: a budget is an upper bound.
        if (malloc == MALLOC_TUNING) MALLOC_TUNING.forEach(pb.environment()::putIfAbsent);
        else {
            malloc.forEach((k, v) -> pb.environment().merge(k, v, WorkerLauncher::smaller));
            pb.environment().putIfAbsent("MALLOC_MMAP_MAX_", MALLOC_TUNING.get("MALLOC_MMAP_MAX_")); // a count, not a size: no share bounds it
        }
        Process p = pb.start();
        return new Started(p, WorkerStderr.follow(p, trainingOutput == null));
    }

    /** Where a training worker should write, or null when no cache is wanted or it already exists. */
    Path trainingOutput() {
        if (cache == null || Files.exists(cache)) {
            return null;
        }
        return cache.resolveSibling(cache.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + System.nanoTime() + ".tmp");
    }

    private boolean trainingClaimed; // guarded by this

    /**
     * Where the next worker of this launcher's pool should record the AOT cache, or null: one
     * training worker per pool at most, recording the first run's classes and profiles into the
     * cache that later workers (and later pools) start from.
     */
    synchronized Path claimTraining() {
        Path training = trainingClaimed ? null : trainingOutput();
        trainingClaimed |= training != null;
        return training;
    }

    /** A worker started elsewhere (prestarted) already trains for this launcher's pool. */
    synchronized void trainingClaimed() {
        trainingClaimed = true;
    }

    /** Publishes a training worker's output atomically; never throws (a cache is never worth a failure). */
    void publish(Path trainingOutput) {
        try {
            if (Files.size(trainingOutput) > 0) {
                Files.move(trainingOutput, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                prune(cache.getParent(), KEEP_CACHES, MAX_CACHE_BYTES, UNUSED_CACHE_AGE, LEFTOVER_AGE);
            }
        } catch (IOException | RuntimeException e) {
            // not written, or another pool won the race: either way workers start fine
        } finally {
            discard(trainingOutput);
        }
    }

    /*
     * Eviction policy of the cache directory (worker-*.aot, 14 to 19 MB each, one per runtime, class
     * path build and JVM option set): a cache unused for UNUSED_CACHE_AGE goes; of the rest, the
     * KEEP_CACHES most recently used are kept, newest first, as long as they total MAX_CACHE_BYTES or
     * less (the newest one alone may exceed it). "Used" is the file's modification time, which a pool sets
     * when it starts workers from the cache (at most once an hour). Training leftovers (*.tmp*, from
     * workers that died or were killed, or logs of older versions) go after LEFTOVER_AGE. Applied
     * when a cache is published and once per cache directory and JVM when a pool starts.
     */
    /** Worker caches kept in the cache directory: one per jar build and JVM option set in use. */
    static final int KEEP_CACHES = 6;
    static final long MAX_CACHE_BYTES = 128L << 20;
    static final java.time.Duration UNUSED_CACHE_AGE = java.time.Duration.ofDays(30);
    static final java.time.Duration LEFTOVER_AGE = java.time.Duration.ofHours(1);

    private static final java.util.Set<Path> PRUNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Once per JVM and cache directory: marks this launcher's cache as used and applies the eviction
     * policy. Cheap (one directory listing); never throws.
     */
    void maintainCache() {
        if (cache == null) return;
        try {
            if (Files.exists(cache) && System.currentTimeMillis() - modified(cache) > 3_600_000L) {
                Files.setLastModifiedTime(cache, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
            }
        } catch (IOException | RuntimeException e) {
            // a cache we cannot touch may be evicted early: costs a training run, never a failure
        }
        if (PRUNED.add(cache.getParent())) {
            prune(cache.getParent(), KEEP_CACHES, MAX_CACHE_BYTES, UNUSED_CACHE_AGE, LEFTOVER_AGE);
        }
    }

    /** {@link #prune(Path, int, long, java.time.Duration, java.time.Duration)} with no size or age limit on caches. */
    static void prune(Path dir, int keep, java.time.Duration leftoverAge) {
        prune(dir, keep, Long.MAX_VALUE, null, leftoverAge);
    }

    /**
     * Applies the eviction policy above to {@code dir}: removes {@code worker-*.aot} files older than
     * {@code unusedAge} (null: no age limit), then all but the newest {@code keep} that fit in
     * {@code maxBytes} together (the newest may exceed it alone), and training leftovers older than
     * {@code leftoverAge}. A JVM still mapping a removed cache keeps its mapping. Never throws.
     */
    static void prune(Path dir, int keep, long maxBytes, java.time.Duration unusedAge, java.time.Duration leftoverAge) {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            long now = System.currentTimeMillis();
            long oldLeftover = now - leftoverAge.toMillis();
            List<Path> caches = new ArrayList<>();
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (!n.startsWith("worker-")) continue;
                if (n.endsWith(".aot")) caches.add(p);
                else if (n.contains(".aot.") && n.contains(".tmp") && modified(p) < oldLeftover) {
                    Files.deleteIfExists(p);
                }
            }
            caches.sort(java.util.Comparator.comparingLong(WorkerLauncher::modified).reversed());
            long total = 0;
            for (int i = 0; i < caches.size(); i++) {
                Path c = caches.get(i);
                long size = Files.size(c);
                total += size;
                boolean unused = unusedAge != null && modified(c) < now - unusedAge.toMillis();
                if (i > 0 && (i >= keep || total > maxBytes || unused)) Files.deleteIfExists(c);
                else if (i == 0 && unused) Files.deleteIfExists(c);
            }
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
            Files.deleteIfExists(Path.of(trainingOutput + ".log")); // written by earlier versions
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
                .append(String.join("\0", jvmOptions.stream().filter(o -> !memoryOption(o)).toList()));
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

    /**
     * A heap size or decode budget: left out of the cache key, since a budget's share changes with the
     * machine's free memory and the process count, and the JVM maps one cache under any heap size
     * (compressed oops, up to 32 GiB): a key over them would train a new cache on most runs.
     */
    static boolean memoryOption(String o) {
        return (o.startsWith("-Xmx") && PoolShape.bytes(o) > 0 && PoolShape.bytes(o) < 32L << 30)
                || o.startsWith("-Dgpupool.decodeBudget=");
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
