package dev.gpupool.cpu;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The frames exchanged over a worker's standard input and output (big-endian, DataInput/DataOutput).
 *
 * <pre>
 * parent -&gt; worker   request:  [long id][int length][length bytes]
 * worker -&gt; parent   response: [long id][byte status][int length][length bytes]
 * </pre>
 *
 * The worker first sends one response with id {@link #HELLO_ID}: status {@link #READY} once its
 * handler exists, or {@link #FATAL} with a UTF-8 reason. Then exactly one response follows each
 * request, with the request's id: {@link #OK} with the handler's bytes, or {@link #ERROR} with
 * UTF-8 {@code className + '\n' + message}. Before it, while the task runs, the worker may send any
 * number of {@link #SCRATCH} frames with the request's id and a UTF-8 absolute path: a temporary
 * file the task is about to create, which the pool deletes if the process dies before the answer.
 * A request with id {@link #EXIT_ID} (and no payload) tells the worker to finish the tasks it took
 * and exit normally. End of input without it means the pool's JVM is gone (killed, even by {@code
 * kill -9}, whose pipes the kernel closes): the worker halts at once, mid-task or not, so that no
 * worker outlives its host. Java cannot ask the kernel for a signal at its parent's death ({@code
 * prctl(PR_SET_PDEATHSIG)}); the pipe's end is that signal, and it comes at once, whether or not the
 * dead host has been reaped yet.
 */
final class Protocol {
    static final long HELLO_ID = -1;
    /** The id of the request that asks a worker to exit normally (see the class documentation). */
    static final long EXIT_ID = -2;
    static final byte OK = 0;
    static final byte ERROR = 1;
    static final byte READY = 2;
    static final byte FATAL = 3;
    static final byte SCRATCH = 4;

    /** Guards against reading garbage as a length; frames are in-memory byte arrays anyway. */
    static final int MAX_LENGTH = Integer.MAX_VALUE - 16;

    private Protocol() {}

    record Response(long id, byte status, byte[] payload) {}

    static void writeRequest(DataOutputStream out, long id, byte[] payload) throws IOException {
        out.writeLong(id);
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    static void writeResponse(DataOutputStream out, long id, byte status, byte[] payload) throws IOException {
        out.writeLong(id);
        out.writeByte(status);
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    /** Asks the worker to finish what it took and exit normally. */
    static void writeExit(DataOutputStream out) throws IOException {
        writeRequest(out, EXIT_ID, new byte[0]);
    }

    static Response readResponse(DataInputStream in) throws IOException {
        long id = in.readLong();
        byte status = in.readByte();
        if (status < OK || status > SCRATCH) {
            throw new ProtocolException("bad status " + status);
        }
        return new Response(id, status, readPayload(in));
    }

    static byte[] readPayload(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_LENGTH) {
            throw new ProtocolException("bad frame length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The stream from a worker is not a valid frame sequence: that worker is killed. */
    static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super("worker protocol error: " + message);
        }
    }
}
