package dev.gpupool.cli;

import dev.gpupool.cpu.WorkerHandler;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.FitPlan;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The selftest's work for the {@code cpu} backend's worker processes: pixels and a fit in, the
 * resized pixels out, so the selftest checks that the worker processes produce the reference's bytes.
 * (Real jobs never pipe pixels: workers read and write files themselves.)
 */
public final class SelftestResizeHandler implements WorkerHandler {
    @Override
    public byte[] handle(byte[] request) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(request));
        int w = in.readInt(), h = in.readInt(), ch = in.readInt();
        Filter filter = Filter.valueOf(in.readUTF());
        Fit fit = Fit.valueOf(in.readUTF());
        int bw = in.readInt(), bh = in.readInt();
        boolean up = in.readBoolean();
        byte[] data = new byte[w * h * ch];
        in.readFully(data);
        FitPlan plan = FitPlan.of(w, h, bw, bh, fit, up);
        return toBytes(Resampler.resize(new PixelBuffer(w, h, ch, data), plan.weightsX(filter, w), plan.weightsY(filter, h)));
    }

    static byte[] request(PixelBuffer px, Filter filter, Fit fit, int bw, int bh, boolean upscale) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(px.data().length + 64);
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(px.width());
        out.writeInt(px.height());
        out.writeInt(px.channels());
        out.writeUTF(filter.name());
        out.writeUTF(fit.name());
        out.writeInt(bw);
        out.writeInt(bh);
        out.writeBoolean(upscale);
        out.write(px.data());
        out.flush();
        return b.toByteArray();
    }

    static byte[] toBytes(PixelBuffer px) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(px.data().length + 12);
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(px.width());
        out.writeInt(px.height());
        out.writeInt(px.channels());
        out.write(px.data());
        out.flush();
        return b.toByteArray();
    }

    static PixelBuffer fromBytes(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int w = in.readInt(), h = in.readInt(), ch = in.readInt();
        byte[] d = new byte[w * h * ch];
        in.readFully(d);
        return new PixelBuffer(w, h, ch, d);
    }
}
