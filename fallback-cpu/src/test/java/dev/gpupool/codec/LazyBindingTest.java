package dev.gpupool.codec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libjpeg-turbo's calls are bound when the first image needs them, not when a JVM only asks whether the
 * library is there: the host of the {@code cpu} backend asks, for its report, and never decodes. Each
 * bound function shape costs a generated downcall stub class, which the JVM logs when it loads it.
 */
class LazyBindingTest {
    /** Run in a fresh JVM: asks what decodes and encodes JPEG, then (with "decode") decodes one. */
    public static void main(String[] args) throws Exception {
        System.out.println("ANSWER " + Codecs.decoderName("jpeg") + " " + Codecs.encoderName(OutputFormat.JPEG));
        if (args.length > 0) {
            byte[] jpeg = TurboJpeg.INSTANCE.compress(new byte[16 * 16 * 3], 16, 16, TurboJpeg.TJPF_RGB, 3, TurboJpeg.TJSAMP_420, 90);
            System.out.println("DECODED " + TurboJpeg.INSTANCE.header(jpeg).width());
        }
    }

    private static String run(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xlog:class+load=info", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), LazyBindingTest.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void askingWhetherTheLibraryIsThereBindsNothing() throws Exception {
        assertTrue(TurboJpeg.INSTANCE.available, TurboJpeg.INSTANCE.description());
        String out = run();
        assertTrue(out.contains("ANSWER libjpeg-turbo libjpeg-turbo"), out);
        assertFalse(out.contains("DowncallStub"), "a downcall was bound only to answer a question");
    }

    @Test
    void theFirstImageBindsTheCallsItNeeds() throws Exception {
        String out = run("decode");
        assertTrue(out.contains("DECODED 16"), out);
        assertTrue(out.contains("DowncallStub"), "the control: this log shows bound calls");
    }
}
