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
 * @param width        width of the first output
 * @param height       height of the first output
 * @param warnings     what lenient decoding tolerated
 * @param readNanos    time spent reading the input
 * @param decodeNanos  time spent decoding
 * @param resizeNanos  time spent resizing (all sizes)
 * @param encodeNanos  time spent encoding and writing (all sizes)
 */
public record ThumbnailResult(int width, int height, List<String> warnings,
                              long readNanos, long decodeNanos, long resizeNanos, long encodeNanos) {
    public ThumbnailResult {
        warnings = List.copyOf(warnings);
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(b);
            out.writeInt(width);
            out.writeInt(height);
            out.writeInt(warnings.size());
            for (String w : warnings) out.writeUTF(w);
            out.writeLong(readNanos);
            out.writeLong(decodeNanos);
            out.writeLong(resizeNanos);
            out.writeLong(encodeNanos);
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
        return new ThumbnailResult(w, h, warnings, in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }
}
