package dev.gpupool.backend.cpu;

import dev.gpupool.job.ThumbnailRequest;
import dev.gpupool.job.ThumbnailSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images already in memory reach a worker as a spooled file, and the spool cleans up after itself. */
class SpoolTest {
    private static ThumbnailRequest inMemory(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (i * 7);
        return new ThumbnailRequest("http://example.test/p.jpg", null, b, List.of(Path.of("out/p.jpg")), ThumbnailSpec.defaults());
    }

    @Test
    void aLargeBodyIsSpooledToAFileTheWorkerReadsAndDeletedAfterwards() throws Exception {
        ThumbnailRequest r = inMemory(Spool.MIN_BYTES * 4);
        Spool.Spooled s = Spool.of(r);
        ThumbnailRequest w = s.request();
        assertNull(w.bytes(), "no bytes in the frame");
        assertEquals(s.file(), w.file());
        assertArrayEquals(r.bytes(), Files.readAllBytes(w.file()));
        assertEquals(r.input(), w.input());
        assertEquals(r.outputs(), w.outputs());
        assertTrue(w.toBytes().length < 1024, "the frame carries the path, not the image");
        if (Files.isWritable(Path.of("/dev/shm"))) assertTrue(w.file().startsWith("/dev/shm"), w.file().toString());
        s.delete();
        assertFalse(Files.exists(w.file()));
    }

    @Test
    void aSmallBodyOrAFileCrossesAsBefore() {
        ThumbnailRequest small = inMemory(Spool.MIN_BYTES - 1);
        assertSame(small, Spool.of(small).request());
        ThumbnailRequest file = new ThumbnailRequest("a.jpg", Path.of("a.jpg"), null, List.of(Path.of("out/a.jpg")), ThumbnailSpec.defaults());
        assertSame(file, Spool.of(file).request());
    }

    /**
     * A body file handed out by {@link Spool#newFile} is the spool's: deleted with its image once
     * submitted; one handed back unsubmitted ({@link Spool#discard}) is deleted at once and no longer
     * the spool's. A user's own file is never the spool's.
     */
    @Test
    void aBodyFileIsTheSpoolsUntilSubmittedOrDiscarded() throws Exception {
        Path f = Spool.newFile();
        assertFalse(Files.exists(f), "a name, not yet a file");
        Files.write(f, new byte[]{1, 2, 3});
        Spool.Spooled s = Spool.of(new ThumbnailRequest("http://example.test/a.jpg", f, null, List.of(Path.of("out/a.jpg")), ThumbnailSpec.defaults()));
        assertEquals(f, s.file(), "submitted: deleted when the image is done");
        s.delete();
        assertFalse(Files.exists(f));

        Path g = Spool.newFile();
        Files.write(g, new byte[]{4});
        Spool.discard(g);
        assertFalse(Files.exists(g), "discarded: deleted at once");
        Files.write(g, new byte[]{5}); // the same name as a user's file now: not the spool's to delete
        try {
            assertEquals(null, Spool.of(new ThumbnailRequest("g", g, null, List.of(Path.of("out/g.jpg")), ThumbnailSpec.defaults())).file());
        } finally {
            Files.deleteIfExists(g);
        }
    }

    @Test
    void foldersOfProcessesThatAreGoneAreRemoved(@TempDir Path base) throws Exception {
        Path dead = Files.createDirectories(base.resolve("gpupool-spool-" + Long.MAX_VALUE));
        Files.write(dead.resolve("in-1"), new byte[]{1, 2, 3});
        Path alive = Files.createDirectories(base.resolve("gpupool-spool-" + ProcessHandle.current().pid()));
        Path other = Files.createDirectories(base.resolve("someone-else"));
        Spool.removeOrphans(base);
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(alive));
        assertTrue(Files.exists(other));
    }

    @Test
    void fetchedImagesReachCpuWorkersThroughTheSpoolAndComeOutAsFromFiles(@TempDir Path tmp) throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        for (int i = 0; i < 4; i++) dev.gpupool.TestImages.write(local.resolve("p" + i + ".jpg"), 640 + 16 * i, 480, "jpeg");
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", ex -> {
            try (ex) {
                byte[] body = Files.readAllBytes(local.resolve(ex.getRequestURI().getPath().substring(1)));
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
        try (dev.gpupool.Pool pool = dev.gpupool.Pool.open(dev.gpupool.Backend.CPU)) {
            List<String> urls = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) urls.add("http://127.0.0.1:" + server.getAddress().getPort() + "/p" + i + ".jpg");
            var http = dev.gpupool.thumbnail.Thumbnailer.on(pool).size(64, 64).runInputs(urls, tmp.resolve("http"));
            var files = dev.gpupool.thumbnail.Thumbnailer.on(pool).size(64, 64).run(List.of(local), tmp.resolve("files"));
            assertEquals(4, http.ok(), http.items().toString());
            assertTrue(http.items().stream().allMatch(it -> it.backend().equals("cpu")), http.items().toString());
            for (int i = 0; i < 4; i++) {
                assertTrue(Files.size(local.resolve("p" + i + ".jpg")) >= Spool.MIN_BYTES, "big enough to be spooled");
                assertArrayEquals(Files.readAllBytes(tmp.resolve("files/p" + i + ".jpg")), Files.readAllBytes(tmp.resolve("http/p" + i + ".jpg")));
            }
        } finally {
            server.stop(0);
        }
        Path mine = Path.of(Files.isWritable(Path.of("/dev/shm")) ? "/dev/shm" : System.getProperty("java.io.tmpdir"))
                .resolve("gpupool-spool-" + ProcessHandle.current().pid());
        if (Files.isDirectory(mine)) {
            try (var left = Files.list(mine)) {
                assertEquals(0, left.count(), "every spooled file is deleted when its image is done");
            }
        }
    }
}
