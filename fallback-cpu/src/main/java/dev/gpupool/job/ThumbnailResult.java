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
 * @param width    width of the first output
 * @param height   height of the first output
 * @param warnings what lenient decoding tolerated
 * @param spans    the stages it went through, each timed (for the report's busy seconds and the trace)
 */
public record ThumbnailResult(int width, int height, List<String> warnings, List<StageSpan> spans) {
    public ThumbnailResult {
        warnings = List.copyOf(warnings);
        spans = List.copyOf(spans);
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(128);
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
        return new ThumbnailResult(w, h, warnings, spans);
    }
}
