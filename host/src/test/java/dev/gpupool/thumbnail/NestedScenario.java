package dev.gpupool.thumbnail;

import dev.gpupool.Backend;
import dev.gpupool.Pool;

import java.nio.file.Path;
import java.util.List;

/** Run by ProcessEngineFallbackTest through a nested-jar class loader: a cpu batch, summed up in one line. */
public final class NestedScenario {
    private NestedScenario() {
    }

    /** "backend|device|ok|failed|item backends" of a cpu-backend batch of {@code in} into {@code out}. */
    public static String run(String in, String out) {
        try (Pool pool = Pool.builder().backend(Backend.CPU).workers(2).open()) {
            BatchReport r = Thumbnailer.on(pool).run(List.of(Path.of(in)), Path.of(out));
            return r.backend() + "|" + r.device() + "|" + r.ok() + "|" + r.failed() + "|"
                    + r.items().stream().map(BatchReport.Item::backend).distinct().toList();
        }
    }
}
