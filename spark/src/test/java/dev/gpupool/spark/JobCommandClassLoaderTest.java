package dev.gpupool.spark;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job's command line as spark-submit loads it on a cluster whose class path carries picocli (and
 * gpupool-host): picocli in the parent class loader, the job's classes and its resource bundle in a child
 * loader. picocli must still get the bundle's wording (issue 20: it died with MissingResourceException).
 */
class JobCommandClassLoaderTest {
    @Test
    void helpIsReworded() {
        String help = new JobCommand().commandLine().getUsageMessage();
        assertTrue(help.contains("the GPU Spark assigned to the executor"), help);
        assertTrue(help.contains("Threads of each executor's pool"), help);
    }

    @Test
    void picocliInTheParentLoaderStillFindsTheBundle() throws Exception {
        Path jobClasses = Path.of(JobCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path testClasses = Path.of(getClass().getProtectionDomain().getCodeSource().getLocation().toURI());
        List<URL> cluster = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e).toAbsolutePath();
            if (!p.equals(jobClasses.toAbsolutePath()) && !p.equals(testClasses.toAbsolutePath())) cluster.add(p.toUri().toURL());
        }
        try (URLClassLoader parent = new URLClassLoader(cluster.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
             URLClassLoader app = new URLClassLoader(new URL[]{jobClasses.toUri().toURL()}, parent)) {
            Class<?> cmd = app.loadClass("dev.gpupool.spark.JobCommand");
            Class<?> picocli = app.loadClass("picocli.CommandLine");
            assertEquals(app, cmd.getClassLoader());
            assertEquals(parent, picocli.getClassLoader(), "picocli comes from the cluster's class path");
            assertNotSame(app, picocli.getClassLoader());
            var ctor = cmd.getDeclaredConstructor();
            ctor.setAccessible(true);
            Method cl = cmd.getDeclaredMethod("commandLine");
            cl.setAccessible(true);
            Object commandLine = cl.invoke(ctor.newInstance());
            String help = (String) picocli.getMethod("getUsageMessage").invoke(commandLine);
            assertTrue(help.contains("the GPU Spark assigned to the executor"), help);
        }
    }
}
