package dev.gpupool.thumbnail;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pool closed by another thread during a batch: the images already done stay in the report, the rest fail with a reason. */
class PoolClosedMidBatchTest {
    @Test
    void theReportOfWhatWasDoneIsKept(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        int n = 120;
        for (int i = 0; i < n; i++) TestImages.write(in.resolve(String.format("p%03d.jpg", i)), 96, 64, "jpeg");
        AtomicBoolean closing = new AtomicBoolean();
        Pool pool = Pool.builder().backend(Backend.CPU).workers(1).open();
        try {
            BatchReport r = Thumbnailer.on(pool).size(32, 32).onItem(item -> {
                if (item.isOk() && closing.compareAndSet(false, true)) new Thread(pool::close).start();
            }).run(List.of(in), tmp.resolve("out"));
            assertEquals(n, r.items().size(), "one item per input");
            assertTrue(r.ok() >= 1, r.summary());
            assertEquals(n, r.ok() + r.failed(), r.summary());
            if (r.failed() > 0) {
                BatchReport.Item f = r.items().stream().filter(i -> !i.isOk()).findFirst().orElseThrow();
                assertTrue(f.error().contains("closed"), f.error());
            }
            for (BatchReport.Item it : r.items()) {
                if (it.isOk()) assertTrue(Files.isRegularFile(Path.of(it.output())), it.output());
            }
        } finally {
            pool.close();
        }
    }
}
