package dev.gpupool.thumbnail;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A batch ran but its trace ({@link Thumbnailer#trace}) could not be written; the batch's report is
 * still here, so a caller can say so and go on (the command line prints one line, the report and the
 * summary, and exits 1).
 */
public final class TraceWriteException extends UncheckedIOException {
    private final transient BatchReport report;

    TraceWriteException(String message, IOException cause, BatchReport report) {
        super(message, cause);
        this.report = report;
    }

    /** The report of the batch that ran. */
    public BatchReport report() {
        return report;
    }
}
