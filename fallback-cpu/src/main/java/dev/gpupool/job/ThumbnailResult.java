package dev.gpupool.job;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a finished job reports.
 *
 * @param width       width of the first output
 * @param height      height of the first output
 * @param warnings    what lenient decoding tolerated
 * @param spans       the stages it went through, each timed (for the report's busy seconds and the trace)
 * @param inputFormat the input's format as detected from its content ({@code jpeg}, {@code png}, ...), null when unknown
 * @param inputWidth  the input's full width, upright (after the EXIF orientation when it is applied); 0 when unknown
 * @param inputHeight the input's full height, upright; 0 when unknown
 * @param outputs     one per output written, in the order of the request's outputs (the spec's sizes);
 *                    empty only from an engine that does not say
 */
public record ThumbnailResult(int width, int height, List<String> warnings, List<StageSpan> spans,
                              String inputFormat, int inputWidth, int inputHeight, List<Output> outputs) {
    /**
     * One output as written.
     *
     * @param width  its width in pixels
     * @param height its height in pixels
     * @param bytes  the encoded file's length in bytes
     */
    public record Output(int width, int height, long bytes) {
    }

    public ThumbnailResult {
        warnings = List.copyOf(warnings);
        spans = List.copyOf(spans);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    /** A result that says nothing of the input or of the outputs beyond the first one's size. */
    public ThumbnailResult(int width, int height, List<String> warnings, List<StageSpan> spans) {
        this(width, height, warnings, spans, null, 0, 0, List.of());
    }

    /** The wire encoding between a worker process and the host (both of the same build). */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(160);
            DataOutputStream out = new DataOutputStream(b);
            out.writeInt(width);
            out.writeInt(height);
            out.writeInt(warnings.size());
            for (String w : warnings) out.writeUTF(w);
            out.writeInt(spans.size());
            for (StageSpan s : spans) {
                out.writeUTF(s.stage());
                out.writeLong(s.startMicros());
                out.writeLong(s.durationMicros());
                out.writeUTF(s.worker());
            }
            out.writeUTF(inputFormat == null ? "" : inputFormat);
            out.writeInt(inputWidth);
            out.writeInt(inputHeight);
            out.writeInt(outputs.size());
            for (Output o : outputs) {
                out.writeInt(o.width());
                out.writeInt(o.height());
                out.writeLong(o.bytes());
            }
            out.flush();
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ThumbnailResult fromBytes(byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        int w = in.readInt(), h = in.readInt();
        int n = in.readInt();
        List<String> warnings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) warnings.add(in.readUTF());
        int ns = in.readInt();
        List<StageSpan> spans = new ArrayList<>(ns);
        for (int i = 0; i < ns; i++) spans.add(new StageSpan(in.readUTF(), in.readLong(), in.readLong(), in.readUTF()));
        String format = in.readUTF();
        int iw = in.readInt(), ih = in.readInt();
        int no = in.readInt();
        List<Output> outputs = new ArrayList<>(no);
        for (int i = 0; i < no; i++) outputs.add(new Output(in.readInt(), in.readInt(), in.readLong()));
        return new ThumbnailResult(w, h, warnings, spans, format.isEmpty() ? null : format, iw, ih, outputs);
    }
}
