package dev.gpupool.job;

import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.Crop;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One image to thumbnail: where its bytes are, where each output goes (one per size, in the order of
 * {@code spec.sizes()}; each output's format follows its extension), and the spec. Serialisable to
 * bytes so it can cross to a worker process.
 *
 * @param input   the input as the user named it (for messages)
 * @param file    the file to read, or null when {@code bytes} holds the content (fetched URLs)
 * @param bytes   the content when already in memory, else null
 * @param outputs one path per size
 * @param spec    what to make
 */
public record ThumbnailRequest(String input, Path file, byte[] bytes, List<Path> outputs, ThumbnailSpec spec) {
    public ThumbnailRequest {
        outputs = List.copyOf(outputs);
        if (outputs.size() != spec.sizes().size()) throw new IllegalArgumentException("one output per size is needed");
        if ((file == null) == (bytes == null)) throw new IllegalArgumentException("exactly one of file and bytes");
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(256 + (bytes == null ? 0 : bytes.length));
            DataOutputStream out = new DataOutputStream(b);
            out.writeUTF(input);
            out.writeBoolean(file != null);
            if (file != null) out.writeUTF(file.toString());
            else { out.writeInt(bytes.length); out.write(bytes); }
            out.writeInt(outputs.size());
            for (Path p : outputs) out.writeUTF(p.toString());
            out.writeInt(spec.sizes().size());
            for (BoxSize s : spec.sizes()) { out.writeInt(s.width()); out.writeInt(s.height()); }
            out.writeUTF(spec.fit().name());
            out.writeUTF(spec.filter().name());
            out.writeUTF(spec.format() == null ? "" : spec.format().name());
            out.writeInt(spec.quality());
            out.writeBoolean(spec.upscale());
            out.writeBoolean(spec.autoRotate());
            out.writeInt(spec.background());
            out.writeLong(spec.maxPixels());
            out.writeBoolean(spec.lenient());
            out.writeBoolean(spec.progressive());
            out.writeUTF(spec.subsample().name());
            out.writeBoolean(spec.lossless());
            out.writeBoolean(spec.keepMetadata());
            out.writeBoolean(spec.keepIcc());
            out.writeUTF(spec.crop().name());
            out.writeBoolean(spec.sharpen() != null);
            if (spec.sharpen() != null) {
                out.writeFloat(spec.sharpen().sigma());
                out.writeFloat(spec.sharpen().amount());
                out.writeFloat(spec.sharpen().threshold());
            }
            out.writeInt(spec.avifSpeed());
            out.flush();
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ThumbnailRequest fromBytes(byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        String input = in.readUTF();
        Path file = null;
        byte[] bytes = null;
        if (in.readBoolean()) file = Path.of(in.readUTF());
        else { bytes = new byte[in.readInt()]; in.readFully(bytes); }
        int n = in.readInt();
        List<Path> outputs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) outputs.add(Path.of(in.readUTF()));
        int ns = in.readInt();
        List<BoxSize> sizes = new ArrayList<>(ns);
        for (int i = 0; i < ns; i++) sizes.add(new BoxSize(in.readInt(), in.readInt()));
        Fit fit = Fit.valueOf(in.readUTF());
        Filter filter = Filter.valueOf(in.readUTF());
        String fmt = in.readUTF();
        ThumbnailSpec spec = new ThumbnailSpec(sizes, fit, filter, fmt.isEmpty() ? null : OutputFormat.valueOf(fmt),
                in.readInt(), in.readBoolean(), in.readBoolean(), in.readInt(), in.readLong(), in.readBoolean(),
                in.readBoolean(), dev.gpupool.codec.Subsample.valueOf(in.readUTF()), in.readBoolean(),
                in.readBoolean(), in.readBoolean(), Crop.valueOf(in.readUTF()),
                in.readBoolean() ? new dev.gpupool.image.Sharpen(in.readFloat(), in.readFloat(), in.readFloat()) : null,
                in.readInt());
        return new ThumbnailRequest(input, file, bytes, outputs, spec);
    }
}
