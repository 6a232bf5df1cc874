package dev.gpupool.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The temporary file of an atomic write is announced before it exists (a worker's host deletes it if the worker dies). */
class AtomicFilesTest {
    @Test
    void eachTemporaryIsAnnouncedBeforeItIsCreatedAndGoneAfterTheWrite(@TempDir Path dir) throws Exception {
        List<Path> announced = new ArrayList<>();
        List<Boolean> existedThen = new ArrayList<>();
        AtomicFiles.announceTempsTo(p -> {
            announced.add(p);
            existedThen.add(Files.exists(p));
        });
        try {
            Path target = dir.resolve("out/t.jpg");
            AtomicFiles.write(target, new byte[]{1, 2, 3});
            assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(target));
            assertEquals(1, announced.size());
            Path tmp = announced.getFirst();
            assertEquals(target.toAbsolutePath().getParent(), tmp.getParent());
            assertTrue(tmp.getFileName().toString().contains(AtomicFiles.TEMP_MARK), tmp.toString());
            assertFalse(existedThen.getFirst(), "announced before it is created");
            assertFalse(Files.exists(tmp));
        } finally {
            AtomicFiles.announceTempsTo(null);
        }
    }
}
