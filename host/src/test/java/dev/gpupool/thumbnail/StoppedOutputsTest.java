package dev.gpupool.thumbnail;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.backend.ThumbnailEngine;
import dev.gpupool.cpu.PoolStoppedException;
import dev.gpupool.job.AtomicFiles;
import dev.gpupool.job.ThumbnailRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Found by CI (SignalsCliTest): a worker stopped right after renaming an output into place, before
 * saying so, left a whole output for an input the report called failed ("interrupted by SIGTERM").
 * An image that fails because the pool stopped takes such an output with it: one that carries only the
 * worker's mark. An output of another failure, and one a host has marked with its input, stay.
 */
class StoppedOutputsTest {
    @TempDir
    Path tmp;

    @Test
    void aStoppedImagesUnreportedOutputGoesAndOthersStay() throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (String n : List.of("stopped", "broken", "done")) Files.write(in.resolve(n + ".jpg"), new byte[]{1});
        // The engine "renames" each image's output into place as a worker does, then fails it.
        ThumbnailEngine engine = new ThumbnailEngine() {
            @Override
            public CompletableFuture<Done> submit(ThumbnailRequest r) {
                try {
                    Path o = r.outputs().getFirst();
                    AtomicFiles.writeOutput(o, new byte[]{(byte) 0xFF, (byte) 0xD8});
                    if (r.input().endsWith("done.jpg")) OutputMarks.mark(o, OutputNames.identity(Path.of(r.input())));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return CompletableFuture.failedFuture(r.input().endsWith("broken.jpg")
                        ? new java.io.IOException("decode failed") : new PoolStoppedException("interrupted by SIGTERM"));
            }

            @Override
            public void close() {
            }
        };
        try (Pool pool = Pool.builder().backend(Backend.CPU_THREADS).workers(1).open()) {
            List<Input> inputs = new InputScanner(out, System.in).scan(List.of(
                    in.resolve("stopped.jpg").toString(), in.resolve("broken.jpg").toString(), in.resolve("done.jpg").toString()));
            BatchReport r = new BatchRunner(engine, Backend.CPU, "test", Thumbnailer.on(pool).size(64, 64).spec(), true, 1, 1,
                    it -> { }).run(inputs, out);
            assertEquals(3, r.failed(), r.items().toString());
            assertEquals("interrupted by SIGTERM", r.items().get(0).error());
            assertFalse(Files.exists(out.resolve("stopped.jpg")), "the stopped image's unreported output is gone");
            assertTrue(Files.exists(out.resolve("broken.jpg")), "another failure's output is not this rule's to remove");
            assertTrue(Files.exists(out.resolve("done.jpg")), "an output marked with its input stays");
        }
    }
}
