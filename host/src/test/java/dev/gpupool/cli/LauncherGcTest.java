package dev.gpupool.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launchers' choice of garbage collector for the host JVM (their {@code gc} block): the serial
 * collector on a machine of up to 2 CPUs, counted from the process's CPU affinity as {@code nproc}
 * counts them; the JVM's default above; never over a collector named in {@code JAVA_OPTS}.
 */
class LauncherGcTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String BEGIN = "# --- gc", END = "# --- end gc ---";

    private static String gcBlock(Path launcher) throws Exception {
        String s = Files.readString(launcher);
        int a = s.indexOf(BEGIN), b = s.indexOf(END);
        assertTrue(a >= 0 && b > a, launcher + " has no gc block");
        return s.substring(a, b + END.length());
    }

    /** The JVM options the block leaves, run under {@code prefix} (e.g. taskset) with {@code javaOpts}. */
    private static String options(List<String> prefix, String javaOpts) throws Exception {
        String script = "less_jit=-XX:CompileThresholdScaling=10\n" + gcBlock(ROOT.resolve("gpupool")) + "\necho \"$less_jit\"\n";
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("bash", "-c", script));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (javaOpts == null) pb.environment().remove("JAVA_OPTS");
        else pb.environment().put("JAVA_OPTS", javaOpts);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static int nproc() throws Exception {
        Process p = new ProcessBuilder("nproc").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return Integer.parseInt(out);
    }

    @Test
    void bothLaunchersCarryTheSameGcBlock() throws Exception {
        assertEquals(gcBlock(ROOT.resolve("gpupool")), gcBlock(ROOT.resolve("packaging/gpupool")));
    }

    @Test
    void serialOnUpToTwoCpusAsNprocCountsThem() throws Exception {
        String serial = "-XX:CompileThresholdScaling=10 -XX:+UseSerialGC";
        assertEquals(nproc() <= 2 ? serial : "-XX:CompileThresholdScaling=10", options(List.of(), null));
        assertEquals(serial, options(List.of("taskset", "-c", "0"), null), "one CPU");
        assertEquals(serial, options(List.of("taskset", "-c", "0"), "-Xmx1g -XX:+UseSerialGCx"), "not a collector option");
    }

    @Test
    void aCollectorInJavaOptsIsLeftAlone() throws Exception {
        for (String opts : List.of("-XX:+UseG1GC", "-Xmx1g -XX:+UseParallelGC", "-XX:+UseZGC -Xss1m")) {
            assertEquals("-XX:CompileThresholdScaling=10", options(List.of("taskset", "-c", "0"), opts), opts);
        }
    }
}
