package dev.gpupool.thumbnail;

import dev.gpupool.job.StageSpan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a batch's stages did: busy time per stage (summed over images; with N workers a stage can be
 * busy N seconds per second), and, when a trace is wanted, every image's spans. Thread-safe.
 */
final class StageTimes {
    /** Pipeline order, for the report and the trace's tracks. */
    static final List<String> STAGES = List.of("fetch", "read", "decode", "resize", "encode");

    /** One image's spans, for the trace. */
    record Traced(String input, List<StageSpan> spans) {
    }

    private final Map<String, LongAdder> busyMicros = new ConcurrentHashMap<>();
    private final List<Traced> traced; // null when no trace is wanted: 100,000 images need not keep spans

    StageTimes(boolean keepSpans) {
        this.traced = keepSpans ? new ArrayList<>() : null;
    }

    void add(String input, List<StageSpan> spans) {
        for (StageSpan s : spans) busyMicros.computeIfAbsent(s.stage(), k -> new LongAdder()).add(s.durationMicros());
        if (traced != null) {
            synchronized (traced) {
                traced.add(new Traced(input, spans));
            }
        }
    }

    /** Busy seconds per stage, in pipeline order; stages nothing went through are left out. */
    Map<String, Double> busySeconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String stage : STAGES) {
            LongAdder a = busyMicros.get(stage);
            if (a != null) out.put(stage, Math.round(a.sum() / 1e3) / 1e3);
        }
        return out;
    }

    List<Traced> traced() {
        if (traced == null) return List.of();
        synchronized (traced) {
            return List.copyOf(traced);
        }
    }
}
