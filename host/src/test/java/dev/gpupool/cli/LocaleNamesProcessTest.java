package dev.gpupool.cli;

import dev.gpupool.TestImages;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19 defect 10, in real processes: a non-ASCII name under {@code LC_ALL=C} (cron), through the
 * launchers' locale block, on both CPU backends; a 250-byte name; and a JVM started without the launcher
 * says why in one line instead of failing every name.
 */
class LocaleNamesProcessTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String BEGIN = "# --- locale", END = "# --- end locale ---";

    @TempDir
    Path tmp;

    /** The locale block of a launcher, as it stands in the file. */
    private static String localeBlock(Path launcher) throws Exception {
        String s = Files.readString(launcher);
        int a = s.indexOf(BEGIN), b = s.indexOf(END);
        assertTrue(a >= 0 && b > a, launcher + " has no locale block");
        return s.substring(a, b + END.length());
    }

    @Test
    void bothLaunchersCarryTheSameLocaleBlock() throws Exception {
        assertEquals(localeBlock(ROOT.resolve("gpupool")), localeBlock(ROOT.resolve("packaging/gpupool")));
    }

    /** {@code LC_ALL=C ./gpupool thumbnails 'photos/é.jpg' -o out}: the launcher's block, then the JVM as it runs it. */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cpu-threads"})
    void aNonAsciiNameUnderLcAllCIsThumbnailed(String backend) throws Exception {
        TestImages.write(tmp.resolve("photos/\u00e9t\u00e9 \u65e5.jpg"), 120, 80, "jpeg");
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName());
        String script = localeBlock(ROOT.resolve("gpupool")) + "\nexec \"$@\"\n";
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", script, "gpupool"));
        cmd.addAll(java);
        cmd.addAll(List.of("thumbnails", "photos/\u00e9t\u00e9 \u65e5.jpg", "-o", "out", "-s", "40", "--backend", backend));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        pb.environment().remove("LC_CTYPE");
        pb.environment().put("LANG", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.strip().endsWith("on " + backend) && out.contains("1 ok, 0 failed, 0 skipped"), out);
        assertTrue(Files.isRegularFile(tmp.resolve("out/\u00e9t\u00e9 \u65e5.jpg")), "named as its input, in UTF-8");
    }

    /** Without the launcher the same JVM under {@code LC_ALL=C} cannot name the file: one line says why and what to do. */
    @Test
    void aJvmInTheCLocaleSaysWhyInOneLine() throws Exception {
        TestImages.write(tmp.resolve("photos/\u00e9.jpg"), 120, 80, "jpeg");
        Map<String, String> env = new HashMap<>(Map.of("LC_ALL", "C", "LANG", "C"));
        env.put("LC_CTYPE", null);
        GpupoolProcess p = GpupoolProcess.run(tmp, env, "thumbnails", "photos/\u00e9.jpg", "-o", "out", "--backend", "cpu-threads");
        assertEquals(2, p.status(), p.err());
        assertEquals(1, p.errLines().size(), p.err());
        assertTrue(p.err().contains("LC_ALL=C.UTF-8"), p.err());
    }

    /** A 250-byte name (ext4 holds 255): its temporary's name no longer adds 30 bytes to it. */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cpu-threads"})
    void aNameOf250BytesIsThumbnailed(String backend) throws Exception {
        String name = "n".repeat(246) + ".jpg";
        TestImages.write(tmp.resolve("in").resolve(name), 120, 80, "jpeg");
        GpupoolProcess p = GpupoolProcess.run(tmp, Map.of(), "thumbnails", "in", "-o", "out", "-s", "40", "--backend", backend);
        assertEquals(0, p.status(), p.err());
        assertTrue(Files.isRegularFile(tmp.resolve("out").resolve(name)), p.err());
        try (var s = Files.list(tmp.resolve("out"))) {
            assertEquals(1, s.count(), "the output alone, no temporary left");
        }
    }
}
