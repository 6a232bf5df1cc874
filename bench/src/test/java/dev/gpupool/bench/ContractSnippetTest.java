package dev.gpupool.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The contract's library snippet compiles against {@code host/target/gpupool.jar} alone and works:
 * compiled with nothing else on the class path, run in a fresh JVM on the repository's samples.
 * (In the bench module because Maven packages the host jar before this module's tests run.)
 */
class ContractSnippetTest {
    static final Path JAR = Path.of("../host/target/gpupool.jar").toAbsolutePath().normalize();
    static final Path SAMPLES = Path.of("../samples").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void theContractSnippetCompilesAgainstTheJarAloneAndRuns() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "build host first: " + JAR);
        Path src = tmp.resolve("Snippet.java");
        Files.writeString(src, """
                import dev.gpupool.Backend;
                import dev.gpupool.Pool;
                import dev.gpupool.thumbnail.BatchReport;
                import dev.gpupool.thumbnail.Thumbnailer;
                import java.awt.image.BufferedImage;
                import java.nio.file.Path;
                import java.util.List;

                public class Snippet {
                    public static void main(String[] args) throws Exception {
                        BufferedImage image = javax.imageio.ImageIO.read(Path.of(args[0], "disc-alpha.png").toFile());
                        try (Pool pool = Pool.open()) {                       // auto: CUDA, else OpenCL GPU, else CPU pool
                            BatchReport report = Thumbnailer.on(pool).size(256, 256).quality(85)
                                    .run(List.of(Path.of(args[0])), Path.of(args[1]));
                            BufferedImage small = Thumbnailer.on(pool).size(128, 128).resize(image);   // in memory
                            System.out.println(pool.backend() + " " + report.ok() + " " + report.failed() + " "
                                    + report.items().size() + " " + small.getWidth() + "x" + small.getHeight());
                        }
                        try (Pool threads = Pool.open(Backend.CPU_THREADS)) {
                            System.out.println(threads.backend());
                        }
                    }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        int rc = javac.run(null, diag, diag, "--release", "25", "-proc:none", "-cp", JAR.toString(), "-d", tmp.toString(), src.toString());
        assertEquals(0, rc, "the snippet must compile against gpupool.jar alone:\n" + diag.toString(StandardCharsets.UTF_8));

        Path out = tmp.resolve("thumbs");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", JAR + ":" + tmp, "Snippet", SAMPLES.toString(), out.toString())
                .redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the snippet hung");
        assertEquals(0, p.exitValue(), printed);
        long samples;
        try (var s = Files.list(SAMPLES)) {
            samples = s.count();
        }
        List<String> lines = printed.strip().lines().toList();
        assertEquals(List.of(samples + " 0 " + samples + " 128x128", "cpu-threads"),
                List.of(lines.get(lines.size() - 2).replaceFirst("^\\S+ ", ""), lines.getLast()), printed);
        for (Path f : List.of(out.resolve("plasma-landscape.jpg"), out.resolve("disc-alpha.jpg"))) {
            BufferedImage img = ImageIO.read(f.toFile());
            assertNotNull(img, f + " is not a whole image");
            assertEquals(256, Math.max(img.getWidth(), img.getHeight()), f.toString());
        }
    }
}
