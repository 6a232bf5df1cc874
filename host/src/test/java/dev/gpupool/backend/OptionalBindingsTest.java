package dev.gpupool.backend;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * JCuda and JOCL are optional dependencies of gpupool-host: a library user who leaves them out must
 * get "not available" reports from the CUDA and OpenCL providers, never a NoClassDefFoundError. The
 * pool is loaded here in a class loader over this test's class path without their jars.
 */
class OptionalBindingsTest {

    private static URLClassLoader withoutBindings() throws MalformedURLException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        int dropped = 0;
        for (String e : cp.split(File.pathSeparator)) {
            if (e.isEmpty() || e.contains("test-classes")) continue;
            String unix = e.replace(File.separatorChar, '/');
            if (unix.contains("/org/jcuda/") || unix.contains("/org/jocl/")) { dropped++; continue; }
            urls.add(new File(e).toURI().toURL());
        }
        assertTrue(dropped >= 2, "the test class path should hold JCuda and JOCL to leave out: " + cp);
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private static Object call(Method m, Object... args) throws Throwable {
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause(); // a NoClassDefFoundError fails the test as itself
        }
    }

    @Test
    void deviceProvidersReportMissingBindingsInsteadOfThrowing() throws Throwable {
        try (URLClassLoader loader = withoutBindings()) {
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("jcuda.driver.JCudaDriver"));
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("org.jocl.CL"));
            Class<?> backend = loader.loadClass("dev.gpupool.Backend");
            Class<?> backends = loader.loadClass("dev.gpupool.backend.Backends");
            Method probe = backends.getMethod("probe", backend, int.class, int.class, boolean.class);
            for (String[] c : new String[][] {{"CUDA", "JCuda (org.jcuda:jcuda and org.jcuda:jcuda-natives:linux-x86_64) is not on the class path"},
                                              {"OPENCL", "JOCL (org.jocl:jocl) is not on the class path"}}) {
                Object report = call(probe, backend.getField(c[0]).get(null), 0, 1, true);
                Class<?> r = report.getClass();
                assertEquals(false, r.getMethod("usable").invoke(report), c[0] + ": " + report);
                String reason = (String) r.getMethod("reason").invoke(report);
                assertTrue(reason.contains(c[1]), c[0] + ": " + reason);
            }
            // Asked for by name, CUDA fails the way every unusable backend does: BackendUnavailableException.
            Method select = backends.getMethod("select", backend, int.class, int.class);
            Throwable t = assertThrows(Throwable.class, () -> call(select, backend.getField("CUDA").get(null), 0, 1));
            assertEquals("dev.gpupool.BackendUnavailableException", t.getClass().getName(), String.valueOf(t));
            assertTrue(t.getMessage().contains("add it to use CUDA"), t.getMessage());
        }
    }
}
