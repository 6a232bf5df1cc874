package dev.gpupool.thumbnail;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.TestImages;
import dev.gpupool.cpu.WorkerMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Where worker JVMs cannot start, the {@code cpu} backend still does every image, on threads in this
 * process, and says why: in the report's device, each item's backend, and one line on standard error.
 */
class ProcessEngineFallbackTest {
    @TempDir
    Path tmp;

    private Path photos(int n) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        for (int i = 0; i < n; i++) TestImages.write(dir.resolve("p" + i + ".jpg"), 320 + 16 * i, 240, "jpeg");
        return dir;
    }

    private static List<String> errLines(ByteArrayOutputStream err) {
        return err.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }

    /** Runs {@code body} with System.err captured; returns what it printed. */
    private static ByteArrayOutputStream capturingStderr(ThrowingRunnable body) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(old);
        }
        return err;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void workersThatCannotStartFallBackToThreadsAndEveryImageIsWritten() throws Exception {
        Path in = photos(4);
        Path out = tmp.resolve("out");
        Path wrong = Files.createDirectories(tmp.resolve("not-gpupool"));
        BatchReport[] report = new BatchReport[1];
        ByteArrayOutputStream err = capturingStderr(() -> {
            try (Pool pool = Pool.builder().backend(Backend.CPU).workers(2).workerClassPath(List.of(wrong)).open()) {
                report[0] = Thumbnailer.on(pool).run(List.of(in), out);
            }
        });
        BatchReport r = report[0];
        assertEquals(4, r.ok(), r.summary());
        assertEquals(0, r.failed());
        assertEquals("cpu-threads", r.backend());
        assertTrue(r.device().startsWith("2 threads in this process (worker processes cannot start here: "), r.device());
        assertTrue(r.device().contains("Could not find or load main class " + WorkerMain.class.getName()), r.device());
        for (BatchReport.Item item : r.items()) {
            assertEquals("cpu-threads", item.backend(), item.input());
            assertTrue(Files.size(Path.of(item.output())) > 0, item.output());
        }
        List<String> lines = errLines(err);
        assertEquals(1, lines.size(), "one line on standard error: " + lines);
        assertTrue(lines.getFirst().startsWith("gpupool: worker processes cannot start here: ")
                && lines.getFirst().endsWith("running on 2 threads in this process instead"), lines.getFirst());
    }

    @Test
    void anExplicitWorkerClassPathIsUsed() throws Exception {
        Path in = photos(2);
        List<Path> classPath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(s -> !s.isEmpty()).map(Path::of).toList();
        try (Pool pool = Pool.builder().backend(Backend.CPU).workers(1).workerClassPath(classPath).open()) {
            BatchReport r = Thumbnailer.on(pool).run(List.of(in), tmp.resolve("out"));
            assertEquals(2, r.ok(), r.summary());
            assertEquals("cpu", r.backend());
            assertEquals(List.of("cpu"), r.items().stream().map(BatchReport.Item::backend).distinct().toList());
        }
    }

    /** gpupool inside a jar inside a jar, as in a Spring Boot fat jar. */
    @Test
    void aNestedJarFallsBackToThreadsWithTheReason() throws Exception {
        Path in = photos(3);
        Path inner = tmp.resolve("gpupool.jar");
        Set<String> seen = new HashSet<>();
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(inner))) {
            for (Class<?> c : List.of(Pool.class, WorkerMain.class, NestedScenario.class)) {
                Path src = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (Files.isDirectory(src)) {
                    try (Stream<Path> files = Files.walk(src)) {
                        for (Path f : (Iterable<Path>) files::iterator) {
                            String name = src.relativize(f).toString().replace(File.separatorChar, '/');
                            if (!Files.isRegularFile(f) || !name.startsWith("dev/gpupool/") || !seen.add(name)) continue;
                            jar.putNextEntry(new JarEntry(name));
                            Files.copy(f, jar);
                            jar.closeEntry();
                        }
                    }
                } else {
                    try (JarInputStream jin = new JarInputStream(Files.newInputStream(src))) {
                        for (JarEntry e; (e = jin.getNextJarEntry()) != null; ) {
                            if (e.isDirectory() || !e.getName().startsWith("dev/gpupool/") || !seen.add(e.getName())) continue;
                            jar.putNextEntry(new JarEntry(e.getName()));
                            jin.transferTo(jar);
                            jar.closeEntry();
                        }
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
        ClassLoader nested = new NestedJarLoader(app, "BOOT-INF/lib/gpupool.jar",
                new URL("jar:" + app.toUri() + "!/BOOT-INF/lib/gpupool.jar!/"), getClass().getClassLoader());
        Class<?> scenario = Class.forName(NestedScenario.class.getName(), true, nested);
        assertSame(nested, scenario.getClassLoader());
        String[] result = new String[1];
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ByteArrayOutputStream err = capturingStderr(() -> {
            Thread.currentThread().setContextClassLoader(nested);
            try {
                result[0] = (String) scenario.getMethod("run", String.class, String.class)
                        .invoke(null, in.toString(), tmp.resolve("out").toString());
            } finally {
                Thread.currentThread().setContextClassLoader(context);
            }
        });
        String[] parts = result[0].split("\\|");
        assertEquals("cpu-threads", parts[0], result[0]);
        assertTrue(parts[1].startsWith("2 threads in this process (worker processes cannot start here: "), parts[1]);
        assertTrue(parts[1].contains("a jar inside a jar"), parts[1]);
        assertEquals("3", parts[2], "every image written: " + result[0]);
        assertEquals("0", parts[3]);
        assertEquals("[cpu-threads]", parts[4]);
        List<String> lines = errLines(err);
        assertEquals(1, lines.size(), "one line on standard error: " + lines);
        assertTrue(lines.getFirst().contains("a jar inside a jar"), lines.getFirst());
    }

    /** Reads classes from a jar stored inside another jar, child first, with that nested jar's URL as code source. */
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
                    c = b != null ? defineClass(name, b, 0, b.length, domain) : super.loadClass(name, false);
                }
                if (resolve) resolveClass(c);
                return c;
            }
        }
    }
}
