package dev.gpupool.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;

/**
 * The live progress bar, drawn on standard error only when the process has a terminal; without one,
 * only messages (failures, warnings) are printed. Its total is unknown until the inputs are listed
 * ({@link #total}); from then on it shows the count, the rate and an estimate of the time left. Closing it
 * erases it, and nothing of it is drawn after, so the summary printed next is the last line. Thread-safe.
 */
final class Progress implements AutoCloseable {
    private final PrintStream err;
    private final ProgressBar bar; // null without a terminal
    private final Line line;
    private boolean closed;

    private Progress(PrintStream err, ProgressBar bar, Line line) {
        this.err = err;
        this.bar = bar;
        this.line = line;
    }

    /** A bar on {@code err} when this process has a terminal (and is not under CI), else messages only. */
    static Progress forTerminal(PrintStream err) {
        java.io.Console c = System.console();
        return on(err, c != null && c.isTerminal() && System.getenv("CI") == null);
    }

    /** A bar on {@code err} when {@code terminal}, else messages only. */
    static Progress on(PrintStream err, boolean terminal) {
        if (!terminal) return new Progress(err, null, null);
        Line line = new Line(err, width());
        ProgressBar bar = new ProgressBarBuilder().setTaskName("thumbnails").setInitialMax(-1)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(line).showSpeed()
                .setUpdateIntervalMillis(100).continuousUpdate().build();
        return new Progress(err, bar, line);
    }

    private static int width() {
        try {
            return Math.max(40, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80")) - 1);
        } catch (NumberFormatException e) {
            return 79;
        }
    }

    /** The number of inputs, once they are listed: from then on the bar shows a fraction and the time left. */
    synchronized void total(int inputs) {
        if (bar != null && !closed) bar.maxHint(inputs);
    }

    synchronized void step() {
        if (bar != null && !closed) bar.step();
    }

    /** A message on its own line; the bar is drawn again under it at the next update. */
    synchronized void println(String message) {
        if (line != null) line.erase();
        err.println(message);
    }

    /** Stops and erases the bar (again: nothing). */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (bar == null) return;
        line.shut(); // the bar's own last draw, and any late update, go nowhere
        bar.close();
        line.erase();
    }

    /** Where the bar is drawn: one terminal line, redrawn in place, and nothing once shut. */
    private static final class Line implements ProgressBarConsumer {
        private final PrintStream err;
        private final int width;
        private boolean shut;

        Line(PrintStream err, int width) {
            this.err = err;
            this.width = width;
        }

        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public synchronized void accept(String rendered) {
            if (shut) return;
            err.print("\r" + rendered + "\033[K");
            err.flush();
        }

        synchronized void erase() {
            err.print("\r\033[K");
            err.flush();
        }

        synchronized void shut() {
            shut = true;
        }

        @Override
        public void close() {
        }
    }
}
