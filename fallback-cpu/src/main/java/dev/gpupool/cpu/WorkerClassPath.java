package dev.gpupool.cpu;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The class path a worker JVM gets: where this JVM really loaded {@link WorkerMain}, the handler and
 * their dependencies from, which is not always {@code java.class.path}.
 *
 * <ul>
 * <li>Plain {@code java -cp} / {@code -jar}: both classes come from the application class loader, and
 *     {@code java.class.path} is the answer, unchanged.
 * <li>A launcher that loads the application through a class loader of its own ({@code mvn exec:java},
 *     IDE runners, plugin hosts): {@code java.class.path} is the launcher's. The worker gets the code
 *     source of {@link WorkerMain} and of the handler, then every URL of the {@link URLClassLoader}s
 *     on the handler's loader chain (that is where their dependencies are), then {@code
 *     java.class.path} (the chain ends there).
 * <li>The module path: the code sources, then the entries of {@code jdk.module.path} (folders of jars
 *     expanded), then {@code java.class.path}. Workers run them all on the class path, as unnamed code:
 *     the same classes, no module declarations needed for a process that only runs the handler.
 * <li>A code source that is not a plain file or folder (a jar nested in a jar, as Spring Boot's
 *     {@code jar:nested:} and {@code jar:file:...!/BOOT-INF/lib/...}; a jlink image's {@code jrt:}),
 *     or no code source at all: a worker JVM cannot load it, and the result is a {@link #problem()}
 *     instead of a class path that would fail at every start.
 * </ul>
 * A caller who knows better gives the class path explicitly ({@link ProcessPool.Options#classPath}).
 */
record WorkerClassPath(String classPath, String problem) {

    /** Whether workers can be started from {@link #classPath()}; if not, {@link #problem()} says why in one line. */
    boolean usable() {
        return problem == null;
    }

    static WorkerClassPath of(List<Path> entries) {
        List<String> s = new ArrayList<>();
        for (Path p : entries) s.add(p.toAbsolutePath().toString());
        return new WorkerClassPath(String.join(File.pathSeparator, s), null);
    }

    static WorkerClassPath unusable(String problem) {
        return new WorkerClassPath(null, problem);
    }

    /** The class path for workers running {@code handler}, found as the class documentation says. */
    static WorkerClassPath discover(Class<?> handler) {
        ClassLoader app = ClassLoader.getSystemClassLoader();
        String javaClassPath = System.getProperty("java.class.path", "");
        boolean named = WorkerMain.class.getModule().isNamed() || handler.getModule().isNamed();
        if (!named && WorkerMain.class.getClassLoader() == app && handler.getClassLoader() == app) {
            return new WorkerClassPath(javaClassPath, null); // plain java -cp: exactly what we run on
        }
        Set<Path> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(WorkerMain.class, handler)) {
            String problem = addCodeSource(c, entries);
            if (problem != null) return unusable(problem);
        }
        for (ClassLoader l = handler.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    Path p = fileOf(url);
                    if (p == null) {
                        return unusable(handler.getName() + "'s class loader reads " + url
                                + ", not a plain jar or folder" + NESTED_HINT);
                    }
                    if (Files.exists(p)) entries.add(p); // a missing entry is no class path's loss
                }
            }
        }
        if (named) {
            for (String e : System.getProperty("jdk.module.path", "").split(File.pathSeparator)) {
                if (!e.isEmpty()) addModulePathEntry(Path.of(e), entries);
            }
        }
        for (String e : javaClassPath.split(File.pathSeparator)) {
            if (!e.isEmpty()) entries.add(Path.of(e).toAbsolutePath());
        }
        return of(List.copyOf(entries));
    }

    private static final String NESTED_HINT = " (a jar inside a jar, as in a Spring Boot fat jar?): worker JVMs"
            + " cannot load classes from there; give them a class path of plain jars"
            + " (Pool.builder().workerClassPath, ProcessPool.Options.classPath)";

    /** Adds where {@code c} was loaded from; returns why that cannot work for a worker, or null. */
    private static String addCodeSource(Class<?> c, Set<Path> entries) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        URL location = cs == null ? null : cs.getLocation();
        if (location == null) {
            return c.getName() + " has no code source (loaded by " + c.getClassLoader()
                    + "), so a worker JVM cannot be given its class path"
                    + "; set one with Pool.builder().workerClassPath or ProcessPool.Options.classPath";
        }
        Path p = fileOf(location);
        if (p == null) {
            return c.getName() + " is loaded from " + location + NESTED_HINT;
        }
        entries.add(p);
        return null;
    }

    /** A {@code file:} URL's file or folder, or null for any other URL. */
    static Path fileOf(URL url) {
        if (!"file".equalsIgnoreCase(url.getProtocol())) return null;
        try {
            return Path.of(new URI(url.toString().replace(" ", "%20"))).toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A module path entry: a jar, an exploded module, or a folder of jars (each of which is added). */
    private static void addModulePathEntry(Path e, Set<Path> entries) {
        Path p = e.toAbsolutePath();
        if (Files.isDirectory(p) && !Files.exists(p.resolve("module-info.class"))) {
            try (Stream<Path> files = Files.list(p)) {
                files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().forEach(entries::add);
            } catch (IOException ex) {
                // unreadable: the worker will say what it misses
            }
        } else {
            entries.add(p);
        }
    }
}
