package dev.gpupool.cpu;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;

/**
 * Entry point of a worker process: {@code java -cp <class path> dev.gpupool.cpu.WorkerMain
 * <handler class>}. Started by {@link ProcessPool}; not meant to be run by hand. Speaks
 * {@link Protocol} on standard input and output, one request at a time, and exits on end of input.
 */
public final class WorkerMain {
    private WorkerMain() {}

    public static void main(String[] args) {
        // Standard output carries frames: take it over and point System.out at stderr before any
        // other code (the handler's static initialisers included) can print into the stream.
        DataOutputStream out = new DataOutputStream(
                new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        System.setOut(System.err);
        // End of input stops an idle worker when the pool's JVM dies; this also stops one stuck in a
        // native call, which would otherwise outlive its parent until the call returned.
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(4)));
        DataInputStream in = new DataInputStream(
                new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));
        try {
            System.exit(serve(args, in, out));
        } catch (IOException e) {
            // The parent is gone or the stream is broken: nobody is left to answer to.
            System.err.println("gpupool worker: " + e);
            System.exit(1);
        }
    }

    private static int serve(String[] args, DataInputStream in, DataOutputStream out) throws IOException {
        WorkerHandler handler;
        try {
            if (args.length != 1) {
                throw new IllegalArgumentException("usage: WorkerMain <handler class>");
            }
            handler = Class.forName(args[0]).asSubclass(WorkerHandler.class)
                    .getConstructor().newInstance();
        } catch (Throwable t) {
            Throwable cause = t instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null
                    ? ite.getCause() : t;
            cause.printStackTrace();
            Protocol.writeResponse(out, Protocol.HELLO_ID, Protocol.FATAL,
                    Protocol.utf8("cannot create handler " + (args.length > 0 ? args[0] : "") + ": " + cause));
            return 2;
        }
        Protocol.writeResponse(out, Protocol.HELLO_ID, Protocol.READY, new byte[0]);
        while (true) {
            long id;
            try {
                id = in.readLong();
            } catch (EOFException e) {
                return 0; // the pool closed our input: normal shutdown
            }
            byte[] request = Protocol.readPayload(in);
            byte[] response;
            try {
                response = handler.handle(request);
                if (response == null) {
                    throw new NullPointerException("handler " + handler.getClass().getName() + " returned null");
                }
            } catch (Exception e) {
                // An IOException is the input's fault (corrupt, unreadable, disk full): the pool reports
                // its one-line message. Anything else is a bug worth a stack trace.
                if (!(e instanceof IOException)) e.printStackTrace();
                Protocol.writeResponse(out, id, Protocol.ERROR,
                        Protocol.utf8(e.getClass().getName() + '\n' + oneLine(e)));
                continue;
            }
            // Errors (OutOfMemoryError, StackOverflowError) propagate and end this process: its state
            // is suspect, and the pool treats the death as a crash on this input.
            Protocol.writeResponse(out, id, Protocol.OK, response);
        }
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getName();
        }
        message = message.strip().replaceAll("\\s*\\R\\s*", " ");
        return message.length() > 4000 ? message.substring(0, 4000) + "..." : message;
    }
}
