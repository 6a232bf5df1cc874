package dev.gpupool.cpu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * A worker process's standard error, read by a thread of its own. Until the worker says it is ready
 * its output is held back (at most {@link #HELD} bytes): if it never becomes ready, that output is
 * why ({@link #reason()}: "Error: Could not find or load main class ...", "Unrecognized VM option
 * ..."), said once in one line by the pool instead of once per failed start. Once it is ready, held
 * and later output goes on to this JVM's {@code System.err} (the handler's own messages and stack
 * traces), or nowhere for a worker training the AOT cache, whose JVM logs the cache assembly there
 * at exit. Nothing is written to files.
 */
final class WorkerStderr implements Runnable {
    static final int HELD = 16 * 1024;

    private final InputStream in;
    private final boolean forward;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private final Thread thread;
    private boolean ready;   // guarded by this
    private boolean ended;   // guarded by this

    private WorkerStderr(InputStream in, boolean forward) {
        this.in = in;
        this.forward = forward;
        this.thread = new Thread(this, "gpupool-worker-stderr");
        thread.setDaemon(true);
    }

    /** Starts reading {@code p}'s standard error; {@code forward}: pass it on to System.err once ready. */
    static WorkerStderr follow(Process p, boolean forward) {
        WorkerStderr s = new WorkerStderr(p.getErrorStream(), forward);
        s.thread.start();
        return s;
    }

    @Override
    public void run() {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                PrintStream err = null;
                synchronized (this) {
                    if (!ready) {
                        held.write(buf, 0, Math.min(n, Math.max(0, HELD - held.size())));
                    } else if (forward) {
                        err = System.err;
                    }
                }
                if (err != null) {
                    err.write(buf, 0, n);
                    err.flush();
                }
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** The worker said it is ready: what it printed so far, and from now on, goes on to System.err. */
    void ready() {
        byte[] before;
        synchronized (this) {
            ready = true;
            before = held.toByteArray();
            held.reset();
        }
        if (forward && before.length > 0) {
            System.err.write(before, 0, before.length);
            System.err.flush();
        }
    }

    /**
     * Why a worker that exited before it was ready did: the first lines it printed, in one line
     * (for example "Error: Could not find or load main class dev.gpupool.cpu.WorkerMain; Caused by:
     * java.lang.ClassNotFoundException: dev.gpupool.cpu.WorkerMain"), or null when it printed
     * nothing. Waits up to a second for the end of its output.
     */
    String reason() {
        String text;
        synchronized (this) {
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (!ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            text = held.toString(Charset.defaultCharset());
        }
        return summary(text);
    }

    /** Up to two meaningful lines of {@code text} joined into one, at most 400 characters; null if none. */
    static String summary(String text) {
        StringBuilder out = new StringBuilder();
        int lines = 0;
        for (String line : text.split("\\R")) {
            String l = line.strip();
            // stack frames and JVM warnings say nothing a user can act on
            if (l.isEmpty() || l.startsWith("at ") || l.startsWith("...") || l.startsWith("WARNING:")) continue;
            if (!out.isEmpty()) out.append("; ");
            out.append(l);
            if (++lines == 2) break;
        }
        if (out.isEmpty()) return null;
        return out.length() > 400 ? out.substring(0, 400) + "..." : out.toString();
    }
}
