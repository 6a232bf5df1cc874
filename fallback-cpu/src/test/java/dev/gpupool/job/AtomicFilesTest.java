package dev.gpupool.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The temporary file of an atomic write is announced before it exists (a worker's host deletes it if the
 * worker dies); its name is short whatever the target's (issue 19 defect 10) and names its owner, so a
 * clean-up removes only the temporaries of dead writers (defect 9).
 */
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

    /** Defect 10: a 255-byte name (the most ext4 holds) is written; the temporary's name was the target's plus 30 bytes. */
    @Test
    void aTargetOfTheLongestNameIsWritten(@TempDir Path dir) throws Exception {
        String name = "\u00e9".repeat(124) + "xxx.jpg"; // 248 + 7 = 255 bytes in UTF-8
        assertEquals(255, name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        Path target = dir.resolve(name);
        AtomicFiles.write(target, new byte[]{7});
        assertArrayEquals(new byte[]{7}, Files.readAllBytes(target));
        assertTrue(AtomicFiles.tempName().length() < 60, AtomicFiles.tempName());
        try (var s = Files.list(dir)) {
            assertEquals(List.of(target), s.toList(), "the target and nothing else");
        }
    }

    /** Defect 9: a temporary whose writer runs (this JVM, or another process) is in mid-write and stays. */
    @Test
    void aLiveWritersTemporarySurvivesAndADeadOnesGoes(@TempDir Path dir) throws Exception {
        Path mine = Files.write(dir.resolve(AtomicFiles.tempName()), new byte[]{1});
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            Path theirs = Files.write(dir.resolve(AtomicFiles.TEMP_MARK + ProcessOwner.prefix(other.pid()) + "1"), new byte[]{2});
            Path sub = Files.createDirectories(dir.resolve("sub"));
            // the same pid, started at another time: a process that had this pid before and is gone
            String reused = ProcessOwner.prefix(other.pid()).replaceFirst("-[0-9a-z]+-$", "-1-");
            Path previous = Files.write(sub.resolve(AtomicFiles.TEMP_MARK + reused + "2"), new byte[]{3});
            assertEquals(1, AtomicFiles.cleanLeftovers(dir));
            assertTrue(Files.exists(mine), "this JVM's temporary stays");
            assertTrue(Files.exists(theirs), "a live process's temporary stays");
            assertFalse(Files.exists(previous), "the pid's earlier owner is dead: its temporary goes");

            other.destroyForcibly();
            assertTrue(other.waitFor(10, TimeUnit.SECONDS));
            assertEquals(1, AtomicFiles.cleanLeftovers(dir, false));
            assertFalse(Files.exists(theirs), "its writer was killed: a leftover");
            assertTrue(Files.exists(mine));
        } finally {
            other.destroyForcibly();
        }
    }

    /** A temporary that cannot be judged by its owner (an older gpupool's, another PID namespace's) goes only when old. */
    @Test
    void anUnjudgeableTemporaryGoesOnlyWhenStale(@TempDir Path dir) throws Exception {
        Path fresh = Files.write(dir.resolve(".a.jpg" + AtomicFiles.TEMP_MARK + "5f3a"), new byte[]{1});
        Path elsewhere = Files.write(dir.resolve(AtomicFiles.TEMP_MARK + "zzzzzz-1-1-1"), new byte[]{1});
        Path old = Files.write(dir.resolve(".b.jpg" + AtomicFiles.TEMP_MARK + "77aa"), new byte[]{1});
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(AtomicFiles.FOREIGN_STALE).minusSeconds(60)));
        assertEquals(1, AtomicFiles.cleanLeftovers(dir));
        assertTrue(Files.exists(fresh) && Files.exists(elsewhere));
        assertFalse(Files.exists(old));
    }

    /** Two writers in two threads of one process never share a temporary. */
    @Test
    void temporaryNamesAreUniqueAndCarryTheMark() {
        java.util.Set<String> names = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.stream.IntStream.range(0, 10_000).parallel().forEach(i -> assertTrue(names.add(AtomicFiles.tempName())));
        assertTrue(names.stream().allMatch(n -> n.startsWith(AtomicFiles.TEMP_MARK)));
    }

    /** A thumbnail appears already marked as gpupool's: a kill -9 right after its rename cannot leave it a stranger's. */
    @Test
    void anOutputIsMarkedAsGpupoolsBeforeItAppears(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("a.jpg"), plain = dir.resolve("report.json");
        AtomicFiles.writeOutput(target, new byte[]{1, 2, 3});
        AtomicFiles.write(plain, new byte[]{4});
        var v = Files.getFileAttributeView(target, java.nio.file.attribute.UserDefinedFileAttributeView.class);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64);
        v.read(AtomicFiles.MARK, b);
        assertEquals(AtomicFiles.MARK_KIND, new String(b.array(), 0, b.position(), java.nio.charset.StandardCharsets.UTF_8));
        assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(target));
        assertEquals(List.of(), Files.getFileAttributeView(plain, java.nio.file.attribute.UserDefinedFileAttributeView.class).list(),
                "a report is no thumbnail");
    }
}
