package dev.gpupool.thumbnail;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * What a batch did: one {@link Item} per input, in the order the inputs were given, and the totals.
 * {@link #toJson()} is the contract's JSON report ({@code --report FILE}).
 *
 * @param backend the backend the batch ran on ({@code cuda}, {@code opencl}, {@code cpu}, {@code cpu-threads})
 * @param device  the device it ran on ("2 worker processes", a GPU's name)
 * @param ok      inputs thumbnailed
 * @param failed  inputs that failed
 * @param skipped inputs whose outputs were already up to date
 * @param seconds wall time of the batch
 * @param stages  busy seconds of each stage ({@code fetch}, {@code read}, {@code decode}, {@code resize},
 *                {@code encode}), summed over the images that finished; with N workers a stage can be
 *                busy up to N seconds per second of wall time, so stages that overlap add up to more than
 *                {@code seconds}
 * @param items   one per input, in input order
 */
@JsonPropertyOrder({"backend", "device", "ok", "failed", "skipped", "seconds", "stages", "items"})
public record BatchReport(String backend, String device, int ok, int failed, int skipped, double seconds,
                          Map<String, Double> stages, List<Item> items) {
    /** Made on first use: building an ObjectMapper loads some 370 classes, which a run without --report never needs. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public BatchReport {
        stages = stages == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stages));
        items = List.copyOf(items);
    }

    /** {@code ok}, {@code failed} or {@code skipped}. */
    public enum Status {
        OK, FAILED, SKIPPED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One input's fate.
     *
     * @param input    the input as given (a path or URL)
     * @param output   the (first) output path, or null when none was planned
     * @param status   ok, failed or skipped
     * @param error    the one-line reason when failed, else null
     * @param backend  where this item really ran ({@code cpu} when a device handed it back), null when skipped early
     * @param width    width of the (first) output, 0 when none was written
     * @param height   height of the (first) output
     * @param millis   time spent on this item
     * @param warnings what lenient decoding tolerated (omitted from JSON when empty)
     */
    @JsonPropertyOrder({"input", "output", "status", "error", "backend", "width", "height", "millis", "warnings"})
    public record Item(String input, String output, Status status, String error, String backend,
                       int width, int height, double millis,
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings) {
        public Item {
            warnings = warnings == null ? List.of() : List.copyOf(warnings);
        }

        @JsonIgnore
        public boolean isOk() {
            return status == Status.OK;
        }
    }

    /** Throughput of the batch: images written per second. */
    @JsonIgnore
    public double imagesPerSecond() {
        return seconds > 0 ? ok / seconds : 0;
    }

    /** The contract's summary line: {@code N ok, M failed, K skipped in T s (R img/s) on BACKEND}. */
    @JsonIgnore
    public String summary() {
        return String.format(Locale.ROOT, "%d ok, %d failed, %d skipped in %.2f s (%.1f img/s) on %s",
                ok, failed, skipped, seconds, imagesPerSecond(), backend);
    }

    /**
     * Null when every written image ran on the batch's backend; otherwise one line saying how many
     * did not ("12 of 40 images ran on cpu-threads, not cuda: the device failed"), printed before the
     * summary so that "on cuda" is never the whole story.
     */
    @JsonIgnore
    public String elsewhereNote() {
        long elsewhere = items.stream().filter(i -> i.status() == Status.OK && i.backend() != null && !i.backend().equals(backend)).count();
        if (elsewhere == 0) return null;
        String where = items.stream().filter(i -> i.status() == Status.OK && i.backend() != null && !i.backend().equals(backend))
                .map(Item::backend).distinct().collect(java.util.stream.Collectors.joining(", "));
        return elsewhere + " of " + ok + " images ran on " + where + ", not " + backend + " (the device could not take them; see each item's backend)";
    }

    /** The report as JSON. */
    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@link #toJson()} to {@code file}, whole or not at all. */
    public void writeJson(Path file) throws IOException {
        dev.gpupool.job.AtomicFiles.write(file, (toJson() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a report written by {@link #writeJson}. */
    public static BatchReport readJson(Path file) throws IOException {
        return Json.MAPPER.readValue(file.toFile(), BatchReport.class);
    }
}
