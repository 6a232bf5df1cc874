package dev.gpupool.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;

/**
 * The live progress bar, drawn on standard error only when the process has a terminal; without one,
 * only messages (failures, warnings) are printed. Thread-safe.
 */
final class Progress implements AutoCloseable {
    private final PrintStream err;
    private final ProgressBar bar; // null without a terminal

    private Progress(PrintStream err, ProgressBar bar) {
        this.err = err;
        this.bar = bar;
    }

    static Progress forTerminal(PrintStream err) {
        java.io.Console c = System.console();
        if (c == null || !c.isTerminal() || System.getenv("CI") != null) return new Progress(err, null);
        ProgressBar bar = new ProgressBarBuilder().setTaskName("thumbnails").setInitialMax(-1)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(err))
                .setUpdateIntervalMillis(100).continuousUpdate().build();
        return new Progress(err, bar);
    }

    synchronized void step() {
        if (bar != null) bar.step();
    }

    synchronized void println(String line) {
        if (bar != null) err.print("\r\033[K");
        err.println(line);
    }

    @Override
    public synchronized void close() {
        if (bar != null) bar.close();
    }
}
