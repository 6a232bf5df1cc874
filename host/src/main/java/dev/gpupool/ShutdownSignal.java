package dev.gpupool;

/**
 * Which signal began this JVM's shutdown, so that a pool stopped by it can say so ({@code
 * interrupted by SIGTERM}) in each unfinished input's reason.
 *
 * <p>Java runs shutdown hooks on SIGINT, SIGTERM and SIGHUP but does not tell them which signal it
 * was. {@code sun.misc.Signal} can: it is in module jdk.unsupported, which stays exported without
 * flags in every JDK since 9 and is in the dist runtime (jline needs it too), whereas {@code
 * jdk.internal.misc.Signal} would need {@code --add-exports} on every command line. The handler
 * installed here only notes the signal's name and hands the signal to the handler it replaced
 * (the JDK's, which starts the shutdown with exit status 128 + the signal's number: 130 for
 * SIGINT, 143 for SIGTERM, 129 for SIGHUP), so exit statuses and hooks stay as the JDK makes them.
 * A signal ignored when the JVM started (SIGINT under {@code nohup} or a non-interactive {@code
 * &}) stays ignored: the JDK installs no handler for it, and neither does this class.
 */
final class ShutdownSignal {
    private static volatile String received;
    private static boolean installed; // guarded by the class

    private ShutdownSignal() {
    }

    /** Starts noting the signals; once per JVM, later calls do nothing. Never throws. */
    static synchronized void install() {
        if (installed) return;
        installed = true;
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            try {
                sun.misc.Signal signal = new sun.misc.Signal(name);
                sun.misc.SignalHandler[] previous = new sun.misc.SignalHandler[1];
                previous[0] = sun.misc.Signal.handle(signal, s -> {
                    received = "SIG" + s.getName();
                    previous[0].handle(s);
                });
                if (previous[0] == sun.misc.SignalHandler.SIG_IGN || previous[0] == sun.misc.SignalHandler.SIG_DFL) {
                    sun.misc.Signal.handle(signal, previous[0]); // not the JDK's handler: leave the signal as it was
                }
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                // not on this platform, or the JVM runs with -Xrs: hooks then say "the JVM is shutting down"
            }
        }
    }

    /** Why a pool stopped by this JVM's shutdown stopped: {@code interrupted by SIGTERM}, or without a signal, the JVM's exit. */
    static String reason() {
        String s = received;
        return s != null ? "interrupted by " + s : "interrupted: the JVM is shutting down";
    }
}
