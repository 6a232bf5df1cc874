package dev.gpupool.cpu;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One worker process and its pipes: launch, handshake, requests out, the reader loop for answers,
 * reaping, and the end of an AOT training run (the cache the process writes at a normal exit is
 * published, anything else discarded). Knows nothing of tasks or of the pool's lock: a {@link
 * WorkerSlot} owns one connection at a time and is told of answers and of the end through a {@link
 * Listener}.
 *
 * <p>Threads: the slot's thread launches, handshakes, sends and stops; one reader thread per
 * connection runs {@link #readLoop}.
 */
final class WorkerConnection {

    /** What the reader loop reports to its slot. */
    interface Listener {
        /** An answer arrived; throws to end the loop when it answers no task in flight. */
        void answered(Protocol.Response response) throws Protocol.ProtocolException;

        /** Whether the slot asked this process to exit (closed its input). */
        boolean exiting();

        /** The process's output has ended; called once, last. */
        void ended();
    }

    final Process process;
    final WorkerStderr stderr;
    private final DataOutputStream out;
    private final DataInputStream in;
    private Path trainingOutput; // where it writes the AOT cache at a normal exit, or null; slot thread only

    WorkerConnection(WorkerLauncher.Started started, Path trainingOutput) {
        this.process = started.process();
        this.stderr = started.stderr();
        this.trainingOutput = trainingOutput;
        this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
    }

    /** Launches a worker of {@code threads} task threads; {@code training}: where it records the AOT cache, or null. */
    static WorkerConnection launch(WorkerLauncher launcher, Path training, int threads) throws IOException {
        try {
            return new WorkerConnection(launcher.start(training, threads), training);
        } catch (IOException | RuntimeException e) {
            if (training != null) WorkerLauncher.discard(training);
            throw e;
        }
    }

    boolean training() {
        return trainingOutput != null;
    }

    /** Reads the worker's hello: {@link Protocol#OK} when ready, {@link Protocol#FATAL} when its handler cannot start. */
    Protocol.Response handshake() throws IOException {
        Protocol.Response hello = Protocol.readResponse(in);
        if (hello.id() != Protocol.HELLO_ID) {
            throw new Protocol.ProtocolException("expected hello, got id " + hello.id());
        }
        return hello;
    }

    /** Writes one request. An IOException means the process is dead or dying. */
    void send(long id, byte[] request) throws IOException {
        Protocol.writeRequest(out, id, request);
    }

    /** The reader thread, not started yet: it reads answers until the process's output ends. */
    Thread reader(String name, Listener listener) {
        Thread r = new Thread(() -> readLoop(listener), name);
        r.setDaemon(true);
        return r;
    }

    private void readLoop(Listener listener) {
        Throwable end = null;
        try {
            while (true) {
                listener.answered(Protocol.readResponse(in));
            }
        } catch (Throwable e) {
            end = e; // IOException: the output ended (the process exited, died or was killed)
        } finally {
            if (end instanceof Protocol.ProtocolException && listener.exiting()) {
                // A training worker's JVM prints its cache assembly on standard output as it
                // exits: not a protocol error, just the end.
                try {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // gone
                }
            } else if (!(end instanceof IOException) || end instanceof Protocol.ProtocolException) {
                // Garbage on the stream, or this thread failed (out of memory on a huge frame):
                // the process cannot be trusted with more work; its tasks are settled as a crash.
                process.destroyForcibly();
            }
            listener.ended();
        }
    }

    /** Waits for a process whose output has ended to exit; kills it if it lingers. Returns its exit code, or -1. */
    int reap() {
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            return process.isAlive() ? -1 : process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }

    /** A dead trainer writes nothing usable: drops its cache output. */
    void discardTraining() {
        if (trainingOutput != null) {
            WorkerLauncher.discard(trainingOutput);
            trainingOutput = null;
        }
    }

    /**
     * Ends the process: an exit request, then end of input, asks it to exit, and a training worker to write the AOT cache,
     * which {@code launcher} then publishes; a process that lingers is killed.
     */
    void stop(WorkerLauncher launcher) {
        try {
            Protocol.writeExit(out); // without it, the end of input would read as our death: the worker halts
        } catch (IOException e) {
            // already dead
        }
        try {
            out.close();
        } catch (IOException e) {
            // already dead
        }
        try {
            // A training worker assembles the AOT cache as it exits, which takes a second or so.
            if (!process.waitFor(trainingOutput != null ? 30 : 5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (trainingOutput != null) {
            if (!process.isAlive() && process.exitValue() == 0) {
                launcher.publish(trainingOutput);
            } else {
                WorkerLauncher.discard(trainingOutput);
            }
            trainingOutput = null;
        }
    }
}
