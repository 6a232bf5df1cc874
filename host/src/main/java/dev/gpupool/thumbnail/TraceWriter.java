package dev.gpupool.thumbnail;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gpupool.job.AtomicFiles;
import dev.gpupool.job.StageSpan;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a batch's spans as a Chrome trace-event JSON file (the format Perfetto and chrome://tracing
 * open): one track per stage and worker ("decode · pid 4242 gpupool-worker-1"), one slice per image
 * per stage, named after the image. Fetches run on many virtual threads at once, so their slices are
 * packed into as few "fetch · lane N" tracks as never overlap.
 */
final class TraceWriter {
    private TraceWriter() {
    }

    static void write(Path file, List<StageTimes.Traced> traced) throws IOException {
        record Slice(String input, StageSpan span) {
        }
        List<Slice> slices = new ArrayList<>();
        long origin = Long.MAX_VALUE;
        for (StageTimes.Traced t : traced) {
            for (StageSpan s : t.spans()) {
                slices.add(new Slice(t.input(), s));
                origin = Math.min(origin, s.startMicros());
            }
        }
        slices.sort(Comparator.comparingLong(s -> s.span().startMicros()));
        // Track of each slice: stage + worker; fetch slices go to the first free lane.
        Map<String, Integer> tracks = new TreeMap<>(Comparator.comparingInt((String k) -> stageRank(k)).thenComparing(k -> k));
        List<String> trackOf = new ArrayList<>(slices.size());
        List<Long> laneEnds = new ArrayList<>();
        for (Slice s : slices) {
            String worker = s.span().worker();
            if (s.span().stage().equals("fetch")) {
                int lane = 0;
                while (lane < laneEnds.size() && laneEnds.get(lane) > s.span().startMicros()) lane++;
                long end = s.span().startMicros() + s.span().durationMicros();
                if (lane == laneEnds.size()) laneEnds.add(end);
                else laneEnds.set(lane, end);
                worker = "lane " + (lane + 1);
            }
            String track = s.span().stage() + " · " + worker;
            tracks.putIfAbsent(track, 0);
            trackOf.add(track);
        }
        Map<String, Integer> tid = new LinkedHashMap<>();
        for (String t : tracks.keySet()) tid.put(t, tid.size() + 1);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("displayTimeUnit", "ms");
            g.writeArrayFieldStart("traceEvents");
            meta(g, "process_name", 0, "gpupool");
            for (Map.Entry<String, Integer> t : tid.entrySet()) {
                meta(g, "thread_name", t.getValue(), t.getKey());
                g.writeStartObject();
                g.writeStringField("ph", "M");
                g.writeStringField("name", "thread_sort_index");
                g.writeNumberField("pid", 1);
                g.writeNumberField("tid", t.getValue());
                g.writeObjectFieldStart("args");
                g.writeNumberField("sort_index", t.getValue());
                g.writeEndObject();
                g.writeEndObject();
            }
            for (int i = 0; i < slices.size(); i++) {
                Slice s = slices.get(i);
                g.writeStartObject();
                g.writeStringField("ph", "X");
                g.writeStringField("name", shortName(s.input()));
                g.writeStringField("cat", s.span().stage());
                g.writeNumberField("ts", s.span().startMicros() - origin);
                g.writeNumberField("dur", s.span().durationMicros());
                g.writeNumberField("pid", 1);
                g.writeNumberField("tid", tid.get(trackOf.get(i)));
                g.writeObjectFieldStart("args");
                g.writeStringField("input", s.input());
                g.writeStringField("worker", s.span().worker());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        AtomicFiles.write(file, bytes.toByteArray());
    }

    private static void meta(JsonGenerator g, String name, int tid, String value) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", "M");
        g.writeStringField("name", name);
        g.writeNumberField("pid", 1);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        g.writeStringField("name", value);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static int stageRank(String track) {
        for (int i = 0; i < StageTimes.STAGES.size(); i++) if (track.startsWith(StageTimes.STAGES.get(i) + " ")) return i;
        return StageTimes.STAGES.size();
    }

    private static String shortName(String input) {
        int slash = Math.max(input.lastIndexOf('/'), input.lastIndexOf('\\'));
        return slash >= 0 && slash < input.length() - 1 ? input.substring(slash + 1) : input;
    }
}
