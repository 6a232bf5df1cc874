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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of a worker process: {@code java -cp <class path> dev.gpupool.cpu.WorkerMain
 * <handler class> [threads]}. Started by {@link ProcessPool}; not meant to be run by hand. Speaks
 * {@link Protocol} on standard input and output: the main thread reads requests and hands each to
 * one of {@code threads} (default 1) task threads, which answer as they finish, so answers may come
 * out of order; it exits once the pool has asked it to ({@link Protocol#EXIT_ID}) and every task
 * taken has been answered, and halts at once when its input ends without that request: the pool's
 * JVM died, and a worker never outlives it.
 */
public final class WorkerMain {
    private WorkerMain() {}

    /** Exit code of a worker that halts because its input ended without an exit request (its host died). */
    static final int HOST_GONE = 4;

    /** Standard output's frame stream, in a worker process only. */
    private static volatile DataOutputStream frames;
    /** The id of the task the current task thread runs. */
    private static final ThreadLocal<Long> TASK = new ThreadLocal<>();

    /**
     * Tells the pool that the task running on this thread is about to create {@code file}, a
     * temporary that it renames or deletes itself before it answers: if the worker process dies
     * first (a crash, a kill for a timeout), the pool deletes the file instead of leaving it
     * half-written until the next run. Call it before creating the file. Outside a task of a worker
     * process (in the pool's own JVM, say), does nothing.
     *
     * @throws IOException if the pool cannot be told (it is gone)
     */
    public static void scratch(java.nio.file.Path file) throws IOException {
        DataOutputStream out = frames;
        Long id = TASK.get();
        if (out == null || id == null) return;
        byte[] path = Protocol.utf8(file.toAbsolutePath().toString());
        synchronized (out) {
            Protocol.writeResponse(out, id, Protocol.SCRATCH, path);
        }
    }

    public static void main(String[] args) {
        // Standard output carries frames: take it over and point System.out at stderr before any
        // other code (the handler's static initialisers included) can print into the stream.
        DataOutputStream out = new DataOutputStream(
                new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        System.setOut(System.err);
        frames = out;
        dev.gpupool.job.AtomicFiles.announceTempsTo(WorkerMain::scratch); // the host deletes them if this process dies mid-write
        ignoreTerminationSignals();
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

    /**
     * SIGINT, SIGTERM and SIGHUP are the host's to act on: a Ctrl-C reaches the terminal's whole
     * process group and {@code systemctl stop} the whole service, and a worker dying of them at once
     * would cut short the images its host means to let finish (and pass for a crash). The host
     * ends its workers itself, and they halt when it is gone (end of input); SIGKILL still works.
     * {@code sun.misc.Signal} (module jdk.unsupported, in every JDK and in the dist runtime) is the
     * only way Java has to ignore a signal.
     */
    private static void ignoreTerminationSignals() {
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sun.misc.SignalHandler.SIG_IGN);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // not on this platform, or the JVM runs with -Xrs: the default stays
            }
        }
    }

    private static int serve(String[] args, DataInputStream in, DataOutputStream out) throws IOException {
        WorkerHandler handler;
        int threads;
        try {
            if (args.length < 1 || args.length > 2) {
                throw new IllegalArgumentException("usage: WorkerMain <handler class> [threads]");
            }
            threads = args.length == 2 ? Integer.parseInt(args[1]) : 1;
            if (threads < 1) throw new IllegalArgumentException("threads must be >= 1: " + threads);
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
        Thread warmUp = new Thread(() -> {
            try {
                handler.warmUp();
            } catch (Throwable e) {
                // only a head start: the tasks that need whatever failed report it themselves
            }
        }, "gpupool-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        java.util.concurrent.atomic.AtomicInteger names = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService tasks = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "gpupool-task-" + names.incrementAndGet());
            t.setDaemon(true); // an Error halts the process; nothing else may keep it alive
            return t;
        });
        while (true) {
            long id;
            try {
                id = in.readLong();
            } catch (EOFException e) {
                // No exit request first: the pool's JVM is gone (even kill -9 closes its pipes). Halt
                // now, whatever the task threads are doing (a stuck native decode included): nobody
                // is left to answer to, and a worker must never outlive its host. (Polling the
                // parent instead took up to 5 s, and not at all while the dead host was unreaped.)
                Runtime.getRuntime().halt(HOST_GONE);
                return HOST_GONE;
            }
            byte[] request = Protocol.readPayload(in);
            if (id == Protocol.EXIT_ID) {
                break; // the pool asks us to exit: finish what was taken, then exit
            }
            tasks.execute(() -> answer(handler, id, request, out));
        }
        tasks.shutdown();
        try {
            tasks.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
        } catch (InterruptedException e) {
            return 1;
        }
        return 0;
    }

    /** Runs one task and writes its answer; frames from several task threads never interleave. */
    private static void answer(WorkerHandler handler, long id, byte[] request, DataOutputStream out) {
        byte status;
        byte[] response;
        TASK.set(id);
        try {
            response = handler.handle(request);
            if (response == null) {
                throw new NullPointerException("handler " + handler.getClass().getName() + " returned null");
            }
            status = Protocol.OK;
        } catch (Exception e) {
            // An IOException is the input's fault (corrupt, unreadable, disk full): the pool reports
            // its one-line message. Anything else is a bug worth a stack trace.
            if (!(e instanceof IOException)) e.printStackTrace();
            status = Protocol.ERROR;
            response = Protocol.utf8(e.getClass().getName() + '\n' + oneLine(e));
        } catch (Throwable t) {
            // An Error (OutOfMemoryError, StackOverflowError) leaves this process's state suspect:
            // end it; the pool treats the death as a crash on the tasks it was running.
            t.printStackTrace();
            Runtime.getRuntime().halt(1);
            return;
        } finally {
            TASK.remove();
        }
        try {
            synchronized (out) {
                Protocol.writeResponse(out, id, status, response);
            }
        } catch (IOException e) {
            // The parent is gone: nobody is left to answer to.
            System.err.println("gpupool worker: " + e);
            Runtime.getRuntime().halt(1);
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
