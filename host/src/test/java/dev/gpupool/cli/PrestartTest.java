package dev.gpupool.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ThumbnailsCommand#prestart}: with {@code --backend cpu-threads} the in-process decode path warms
 * up on a daemon thread of its own while the command line is parsed; with a device backend, or when
 * the command only asks for help, nothing starts.
 */
class PrestartTest {
    @Test
    void cpuThreadsWarmsTheDecodePathUpOnADaemonThread() throws Exception {
        for (String[] args : new String[][]{{"thumbnails", "in.jpg", "-o", "out", "--backend", "cpu-threads"},
                {"thumbnails", "--backend=CPU-THREADS", "in.jpg"}}) {
            Thread t = ThumbnailsCommand.prestart(args);
            assertNotNull(t, String.join(" ", args));
            assertTrue(t.isDaemon(), "must not hold the JVM open");
            t.join(30_000);
            assertFalse(t.isAlive(), "the warm-up ends");
        }
    }

    @Test
    void aDeviceBackendOrHelpStartsNothing() {
        for (String[] args : new String[][]{{"thumbnails", "in.jpg", "-o", "out", "--backend", "cuda"},
                {"thumbnails", "--help", "--backend", "cpu-threads"}, {"thumbnails", "in.jpg", "--backend"}}) {
            assertNull(ThumbnailsCommand.prestart(args), String.join(" ", args));
        }
    }
}
