package dev.gpupool.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpupool.launchtest.PidHandler;
import dev.gpupool.launchtest.PoolScenario;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers start whatever launched this JVM: a class loader of the launcher's own (as {@code mvn
 * exec:java} does), the module path; and a nested-jar class loader (as a Spring Boot fat jar) is
 * refused with the reason, before any JVM is started. The launcher cases run in child JVMs whose
 * {@code java.class.path} does not hold gpupool.
 */
class AnyLauncherTest {
    @TempDir
    Path tmp;

    /** This JVM's real class path (Surefire may pass a manifest-only jar naming it). */
    static List<Path> realClassPath() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.isEmpty()) continue;
            Path p = Path.of(e).toAbsolutePath();
            out.add(p);
            if (p.toString().endsWith(".jar") && Files.isRegularFile(p)) {
                try (JarFile jf = new JarFile(p.toFile())) {
                    String cp = jf.getManifest() == null ? null : jf.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
                    if (cp != null) {
                        for (String ref : cp.trim().split("\\s+")) {
                            if (!ref.isEmpty()) out.add(Path.of(p.getParent().toUri().resolve(ref)));
                        }
                    }
                }
            }
        }
        return out;
    }

    static Path codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** {@code source} (a jar or a classes folder) as a jar at {@code out}, only entries under {@code prefix} ("" for all). */
    static Path jarOf(Path source, String prefix, Path out) throws IOException {
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(out))) {
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.walk(source)) {
                    for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                        String name = source.relativize(f).toString().replace(File.separatorChar, '/');
                        if (!Files.isRegularFile(f) || !name.startsWith(prefix)) continue;
                        jar.putNextEntry(new JarEntry(name));
                        Files.copy(f, jar);
                        jar.closeEntry();
                    }
                }
            } else {
                try (JarInputStream in = new JarInputStream(Files.newInputStream(source))) {
                    for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                        if (e.isDirectory() || !e.getName().startsWith(prefix)) continue;
                        jar.putNextEntry(new JarEntry(e.getName()));
                        in.transferTo(jar);
                        jar.closeEntry();
                    }
                }
            }
        }
        return out;
    }

    /** Runs a child JVM; returns its "key=value" lines (stderr is kept for failure messages). */
    static Map<String, String> runChild(List<String> command, Path dir) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM ended");
        assertEquals(0, p.exitValue(), out);
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : out.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.contains(" ")) kv.put(line.substring(0, eq), line.substring(eq + 1));
            else if (eq > 0 && line.substring(0, eq).matches("\\w+")) kv.put(line.substring(0, eq), line.substring(eq + 1));
        }
        kv.put("_output", out);
        return kv;
    }

    private static void assertRanOnAWorker(Map<String, String> r) {
        String answer = r.get("answer");
        assertNotNull(answer, "the task ran: " + r.get("_output"));
        assertTrue(answer.endsWith(":hi"), answer);
        assertNotEquals(r.get("self"), answer.substring(0, answer.indexOf(':')), "ran in a worker process, not in the launcher's JVM");
    }

    /**
     * What {@code mvn exec:java} does: a JVM whose class path is only the launcher (here the JDK's
     * source launcher, class path empty) loads the application with a URLClassLoader of its own.
     */
    @Test
    void workersStartUnderALauncherWithItsOwnClassLoader() throws Exception {
        Path launch = Files.writeString(tmp.resolve("Launch.java"), """
                import java.net.URL;
                import java.net.URLClassLoader;
                import java.nio.file.Path;
                import java.util.ArrayList;
                import java.util.Arrays;
                import java.util.List;

                public class Launch {
                    public static void main(String[] a) throws Throwable {
                        int sep = Arrays.asList(a).indexOf("--");
                        List<URL> urls = new ArrayList<>();
                        for (int i = 0; i < sep; i++) urls.add(Path.of(a[i]).toUri().toURL());
                        URLClassLoader l = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
                        Thread.currentThread().setContextClassLoader(l);
                        Class.forName(a[sep + 1], true, l).getMethod("main", String[].class)
                                .invoke(null, (Object) Arrays.copyOfRange(a, sep + 2, a.length));
                    }
                }
                """);
        List<String> cmd = new ArrayList<>(List.of(WorkerLauncher.javaExecutable(), "--enable-native-access=ALL-UNNAMED",
                launch.toString()));
        for (Path p : realClassPath()) cmd.add(p.toString());
        cmd.add("--");
        cmd.add(PoolScenario.class.getName());
        Map<String, String> r = runChild(cmd, tmp);
        assertFalse(r.get("javaClassPath").contains(codeSource(WorkerMain.class).toString()),
                "gpupool is not on the child's java.class.path: " + r.get("javaClassPath"));
        assertRanOnAWorker(r);
    }

    /** The module path: gpupool and the application as (automatic) modules, nothing on the class path. */
    @Test
    void workersStartFromTheModulePath() throws Exception {
        Path mods = Files.createDirectory(tmp.resolve("mods"));
        jarOf(codeSource(WorkerMain.class), "", mods.resolve("gpupool-fallback-cpu.jar"));
        jarOf(codeSource(PidHandler.class), "dev/gpupool/launchtest/", mods.resolve("launchtest.jar"));
        Map<String, String> r = runChild(List.of(WorkerLauncher.javaExecutable(), "--enable-native-access=ALL-UNNAMED",
                "--module-path", mods.toString(), "--add-modules", "ALL-MODULE-PATH",
                "-m", "launchtest/" + PoolScenario.class.getName()), tmp);
        assertEquals("true", r.get("named"), "gpupool ran as a module: " + r.get("_output"));
        assertFalse(r.get("javaClassPath").contains("gpupool"), r.get("javaClassPath"));
        assertRanOnAWorker(r);
    }

    /**
     * Classes read from a jar inside a jar (Spring Boot's layout) cannot be given to a worker JVM:
     * the pool says so in one line, at once, instead of starting workers that cannot load them.
     */
    @Test
    void aNestedJarClassLoaderIsRefusedWithTheReason() throws Exception {
        Path inner = tmp.resolve("inner.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(inner))) {
            for (Path src : List.of(codeSource(WorkerMain.class), codeSource(PidHandler.class))) {
                Path part = jarOf(src, "dev/gpupool/", Files.createTempFile(tmp, "part", ".jar"));
                try (JarInputStream in = new JarInputStream(Files.newInputStream(part))) {
                    for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                        try {
                            jar.putNextEntry(new JarEntry(e.getName()));
                        } catch (java.util.zip.ZipException duplicate) {
                            continue;
                        }
                        in.transferTo(jar);
                        jar.closeEntry();
                    }
                }
            }
        }
        Path app = tmp.resolve("app.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(app))) {
            jar.putNextEntry(new JarEntry("BOOT-INF/lib/gpupool.jar"));
            Files.copy(inner, jar);
            jar.closeEntry();
        }
        URL location = new URL("jar:" + app.toUri() + "!/BOOT-INF/lib/gpupool.jar!/");
        ClassLoader nested = new NestedJarLoader(app, "BOOT-INF/lib/gpupool.jar", location, getClass().getClassLoader());
        Class<?> scenario = Class.forName(PoolScenario.class.getName(), true, nested);
        assertEquals(nested, scenario.getClassLoader(), "loaded from the nested jar");
        long before = ProcessHandle.current().children().count();
        String r = (String) scenario.getMethod("startOrWhy").invoke(null);
        assertTrue(r.startsWith("failed=true:worker processes cannot start here: "), r);
        assertTrue(r.contains("jar:file:") && r.contains("a jar inside a jar"), r);
        assertFalse(r.contains("\n"), "one line: " + r);
        assertEquals(before, ProcessHandle.current().children().count(), "no worker JVM was started");
    }

    /** A class loader reading a jar stored inside another jar, as Spring Boot's launcher does. */
    static final class NestedJarLoader extends ClassLoader {
        private final Map<String, byte[]> classes = new HashMap<>();
        private final ProtectionDomain domain;

        NestedJarLoader(Path outer, String entry, URL location, ClassLoader parent) throws IOException {
            super(parent);
            try (JarFile jf = new JarFile(outer.toFile());
                 JarInputStream in = new JarInputStream(jf.getInputStream(jf.getEntry(entry)))) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                    if (e.getName().endsWith(".class")) classes.put(e.getName(), in.readAllBytes());
                }
            }
            domain = new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    byte[] b = classes.get(name.replace('.', '/') + ".class");
                    c = b != null ? defineClass(name, b, 0, b.length, domain) : super.loadClass(name, false); // child first
                }
                if (resolve) resolveClass(c);
                return c;
            }
        }
    }

    @Test
    void aWorkerThatCannotStartLeavesNothingInTheCacheDirectory() throws Exception {
        Path noWorkerMain = jarOf(Files.createDirectory(tmp.resolve("empty")), "", tmp.resolve("no-gpupool.jar"));
        try (ProcessPool pool = ProcessPool.start(ProcessPool.Options.of(PidHandler.class).workers(1)
                .startupCache(true).classPath(List.of(noWorkerMain)))) {
            WorkerStartException e = assertThrows(WorkerStartException.class, pool::awaitStarted);
            assertTrue(e.getMessage().contains("Could not find or load main class"), e.getMessage());
        }
        Path dir = WorkerLauncher.cacheDirectory();
        String mine = "." + ProcessHandle.current().pid() + "-";
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> left = files.filter(f -> f.getFileName().toString().contains(mine)).toList();
            assertEquals(List.of(), left, "training output and logs of the failed workers are gone");
        }
    }

    @Test
    void evictionDropsUnusedCachesAndKeepsTheNewestWithinTheSizeLimit() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cache"));
        long now = System.currentTimeMillis();
        for (int i = 0; i < 5; i++) { // worker-0 newest ... worker-4 oldest, 10 bytes each
            Path c = Files.writeString(dir.resolve("worker-" + i + ".aot"), "0123456789");
            Files.setLastModifiedTime(c, FileTime.fromMillis(now - (i + 1) * 60_000L));
        }
        Path stale = Files.writeString(dir.resolve("worker-old.aot"), "x");
        Files.setLastModifiedTime(stale, FileTime.fromMillis(now - 31 * 86_400_000L));
        Path deadTrainer = Files.writeString(dir.resolve("worker-a.aot.1-2.tmp.log"), "x");
        Files.setLastModifiedTime(deadTrainer, FileTime.fromMillis(now - 2 * 3_600_000L));
        Path liveTrainer = Files.writeString(dir.resolve("worker-b.aot.1-3.tmp"), "x");

        WorkerLauncher.prune(dir, 6, 35, java.time.Duration.ofDays(30), java.time.Duration.ofHours(1));

        for (int i = 0; i < 5; i++) {
            assertEquals(i < 3, Files.exists(dir.resolve("worker-" + i + ".aot")), "worker-" + i + " (35 bytes fit 3)");
        }
        assertFalse(Files.exists(stale), "unused for 30 days");
        assertFalse(Files.exists(deadTrainer), "an hour-old training leftover");
        assertTrue(Files.exists(liveTrainer), "a live trainer's output stays");
    }

    @Test
    void aWorkersStartFailureIsSummedUpInOneLine() {
        assertEquals("Error: Could not find or load main class dev.gpupool.cpu.WorkerMain; "
                        + "Caused by: java.lang.ClassNotFoundException: dev.gpupool.cpu.WorkerMain",
                WorkerStderr.summary("WARNING: something\nError: Could not find or load main class dev.gpupool.cpu.WorkerMain\n"
                        + "Caused by: java.lang.ClassNotFoundException: dev.gpupool.cpu.WorkerMain\n"));
        assertEquals(null, WorkerStderr.summary("\n  \n"));
    }

    @Test
    void theClassPathUnderPlainJavaIsJavaClassPath() {
        WorkerClassPath cp = WorkerClassPath.discover(PidHandler.class);
        assertTrue(cp.usable(), cp.problem());
        assertEquals(System.getProperty("java.class.path"), cp.classPath());
    }

}
