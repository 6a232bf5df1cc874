package dev.gpupool.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output whose image was given up on (its thread interrupted: past its time limit, or at the
 * end of a signal's grace) never appears late, and leaves no temporary file.
 */
class InterruptedWriteTest {
    @Test
    void anInterruptedThreadWritesNothing(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("a.jpg");
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedIOException.class, () -> AtomicFiles.write(target, new byte[1000]));
        } finally {
            Thread.interrupted();
        }
        assertFalse(Files.exists(target));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), "no temporary left");
        }
        AtomicFiles.write(target, new byte[10]); // and a thread not interrupted writes as ever
        assertEquals(10, Files.size(target));
    }
}
