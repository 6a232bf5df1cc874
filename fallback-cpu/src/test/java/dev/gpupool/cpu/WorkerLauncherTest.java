package dev.gpupool.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerLauncherTest {
    @TempDir
    Path tmp;

    private Path jar(String name, String classPath) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        Path jar = tmp.resolve(name);
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            out.flush();
        }
        return jar;
    }

    @Test
    void workerCommandKeepsJvmOutputOffTheProtocolStream() {
        List<String> c = new WorkerLauncher("x.Handler", List.of("-Xmx256m"), false).command(null, 3);
        int cp = c.indexOf("-cp");
        assertTrue(c.subList(0, cp).containsAll(List.of("-Xlog:disable", "-Xlog:all=warning:stderr", "-XX:+UseSerialGC", "-Xmx256m")), c.toString());
        assertEquals(List.of(WorkerMain.class.getName(), "x.Handler", "3"), c.subList(cp + 2, c.size()));
        assertEquals(System.getProperty("java.class.path"), c.get(cp + 1));
        assertFalse(c.stream().anyMatch(o -> o.startsWith("-XX:AOT")), "no cache when disabled");
    }

    @Test
    void callerChosenCollectorReplacesSerialGc() {
        List<String> c = new WorkerLauncher("x.Handler", List.of("-XX:+UseParallelGC"), false).command(null, 1);
        assertFalse(c.contains("-XX:+UseSerialGC"), "two collectors would stop the JVM from starting");
    }

    @Test
    void classPathWithDirectoriesGetsNoCache() throws Exception {
        Path a = jar("a.jar", null);
        Path dir = Files.createDirectory(tmp.resolve("classes"));
        assertEquals(List.of(a), WorkerLauncher.classPathJars(a.toString()));
        assertNull(WorkerLauncher.classPathJars(a + File.pathSeparator + dir));
        // a Surefire-style manifest jar naming a directory
        Path manifestOnly = jar("surefire.jar", dir.toUri() + " " + a.getFileName());
        assertNull(WorkerLauncher.classPathJars(manifestOnly.toString()));
        Path manifestJars = jar("booter.jar", a.getFileName().toString());
        assertEquals(List.of(manifestJars, a), WorkerLauncher.classPathJars(manifestJars.toString()));
    }

    @Test
    void cacheFileChangesWhenAJarOrTheOptionsChange() throws Exception {
        Path a = jar("a.jar", null);
        Path first = WorkerLauncher.cachePath(a.toString(), List.of());
        assertNotNull(first);
        assertEquals(first, WorkerLauncher.cachePath(a.toString(), List.of()));
        assertNotEquals(first, WorkerLauncher.cachePath(a.toString(), List.of("-XX:+UseParallelGC")));
        // A heap size is not part of the key: a worker's share of the memory budget changes from run to run.
        assertEquals(first, WorkerLauncher.cachePath(a.toString(), List.of("-Xmx1g", "-Dgpupool.decodeBudget=5")));
        Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() - 60_000));
        assertNotEquals(first, WorkerLauncher.cachePath(a.toString(), List.of()), "a rebuilt jar needs a new cache");
    }

    @Test
    void pruningKeepsTheNewestCachesAndYoungLeftovers() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cache"));
        long now = System.currentTimeMillis();
        for (int i = 0; i < 9; i++) { // worker-0 oldest ... worker-8 newest
            Path c = Files.writeString(dir.resolve("worker-" + i + ".aot"), "x");
            Files.setLastModifiedTime(c, FileTime.fromMillis(now - (9 - i) * 60_000L));
        }
        Path oldLog = Files.writeString(dir.resolve("worker-a.aot.123-4.tmp.log"), "died");
        Files.setLastModifiedTime(oldLog, FileTime.fromMillis(now - 2 * 86_400_000L));
        Path youngLog = Files.writeString(dir.resolve("worker-b.aot.123-5.tmp.log"), "training now");
        Path other = Files.writeString(dir.resolve("notes.txt"), "not ours");
        Files.setLastModifiedTime(other, FileTime.fromMillis(now - 9 * 86_400_000L));

        WorkerLauncher.prune(dir, 6, java.time.Duration.ofDays(1));

        for (int i = 0; i < 9; i++) {
            assertEquals(i >= 3, Files.exists(dir.resolve("worker-" + i + ".aot")), "worker-" + i);
        }
        assertFalse(Files.exists(oldLog), "a day-old leftover of a dead trainer goes");
        assertTrue(Files.exists(youngLog), "a live trainer's log stays");
        assertTrue(Files.exists(other), "files that are not worker caches stay");
        WorkerLauncher.prune(tmp.resolve("missing"), 6, java.time.Duration.ofDays(1)); // never throws
    }
}
