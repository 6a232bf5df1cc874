package dev.gpupool.thumbnail;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
 * @param schema  the version of this report's layout: {@link #SCHEMA} for reports made by this build
 *                (2: items list every output, with the input's format and size); a report read from a
 *                file written before versions were numbered says 1. Fields that may be absent (an
 *                item's {@code ran}) are added without a new number: a reader tests for the key, and
 *                reading ignores keys it does not know
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"schema", "backend", "device", "ok", "failed", "skipped", "seconds", "stages", "items"})
public record BatchReport(String backend, String device, int ok, int failed, int skipped, double seconds,
                          Map<String, Double> stages, List<Item> items, int schema) {
    /** The report layout this build writes. */
    public static final int SCHEMA = 2;

    /** Made on first use: building an ObjectMapper loads some 370 classes, which a run without --report never needs. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public BatchReport {
        stages = stages == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stages));
        items = List.copyOf(items);
        if (schema <= 0) schema = 1; // read from a report that had no number
    }

    /** A report in this build's layout ({@link #SCHEMA}). */
    public BatchReport(String backend, String device, int ok, int failed, int skipped, double seconds,
                       Map<String, Double> stages, List<Item> items) {
        this(backend, device, ok, failed, skipped, seconds, stages, items, SCHEMA);
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
     * One output as written.
     *
     * @param path   where it was written (as {@link Item#output()} names the first one)
     * @param size   its bounding box as {@code -s} writes it ({@code 128}, {@code 320x240}, {@code 256x}, {@code x256})
     * @param width  its width in pixels
     * @param height its height in pixels
     * @param bytes  its length in bytes
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"path", "size", "width", "height", "bytes"})
    public record Output(String path, String size, int width, int height, long bytes) {
    }

    /**
     * Where one item's stages ran: the decoder, the backend or device that resized, the (first)
     * output's encoder.
     *
     * @param decode {@code libjpeg-turbo}, {@code imageio}, {@code nvjpeg-hardware}, {@code nvjpeg-cuda}
     * @param resize the backend or device that resized ({@code cpu}, {@code cpu-threads}, {@code cuda}, {@code opencl})
     * @param encode {@code libjpeg-turbo}, {@code imageio}, {@code libwebp}, {@code libavif}, {@code nvjpeg-cuda}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"decode", "resize", "encode"})
    public record Ran(String decode, String resize, String encode) {
    }

    /**
     * One input's fate.
     *
     * @param input       the input as given (a path or URL)
     * @param output      the (first) output path, or null when none was planned
     * @param status      ok, failed or skipped
     * @param error       the one-line reason when failed, else null
     * @param backend     where this item really ran ({@code cpu} when a device handed it back), null when skipped early
     * @param width       width of the (first) output, 0 when none was written
     * @param height      height of the (first) output
     * @param millis      time spent on this item
     * @param warnings    what lenient decoding tolerated (omitted from JSON when empty)
     * @param format      the input's format detected from its content ({@code jpeg}, {@code png}, {@code gif},
     *                    {@code webp}, ...), null unless the item is ok
     * @param inputWidth  the input's full width in pixels, upright (after the EXIF orientation when it is
     *                    applied); 0 unless the item is ok
     * @param inputHeight the input's full height, upright; 0 unless the item is ok
     * @param outputs     every output written, one per size in the order of the sizes; empty unless the item
     *                    is ok (a skipped item's outputs are those of an earlier run, not read again)
     * @param ran         where each stage ran ({@code {"decode": "libjpeg-turbo", "resize": "cpu-threads",
     *                    "encode": "libjpeg-turbo"}}); null (omitted from JSON) unless the item is ok
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"input", "output", "status", "error", "backend", "width", "height", "millis",
            "format", "inputWidth", "inputHeight", "outputs", "ran", "warnings"})
    public record Item(String input, String output, Status status, String error, String backend,
                       int width, int height, double millis,
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings,
                       String format, int inputWidth, int inputHeight, List<Output> outputs,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Ran ran) {
        public Item {
            warnings = warnings == null ? List.of() : List.copyOf(warnings);
            outputs = outputs == null ? List.of() : List.copyOf(outputs);
        }

        /** An item that says nothing of its input and lists no outputs (the first one's size aside). */
        public Item(String input, String output, Status status, String error, String backend,
                    int width, int height, double millis, List<String> warnings) {
            this(input, output, status, error, backend, width, height, millis, warnings, null, 0, 0, List.of(), null);
        }

        /** An item that does not say where its stages ran. */
        public Item(String input, String output, Status status, String error, String backend,
                    int width, int height, double millis, List<String> warnings,
                    String format, int inputWidth, int inputHeight, List<Output> outputs) {
            this(input, output, status, error, backend, width, height, millis, warnings, format, inputWidth, inputHeight,
                    outputs, null);
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
