package dev.gpupool.thumbnail;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** One-line reasons for failures, as the user sees them after {@code FAILED <input>: }. */
final class Errors {
    private Errors() {
    }

    static String reason(Throwable e) {
        e = unwrap(e);
        String m = e.getMessage();
        if (e instanceof java.util.concurrent.TimeoutException) return m == null ? "timed out" : m;
        if (e instanceof OutOfMemoryError) return "not enough memory for this image (raise -Xmx through JAVA_OPTS)";
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        if (e instanceof java.io.IOException || e.getClass().getName().startsWith("dev.gpupool")) return firstLine(m);
        return e.getClass().getSimpleName() + ": " + firstLine(m);
    }

    /** Whether {@code e} (unwrapped) says the pool was stopped by a signal ({@link dev.gpupool.cpu.PoolStoppedException}). */
    static boolean isStop(Throwable e) {
        return unwrap(e) instanceof dev.gpupool.cpu.PoolStoppedException;
    }

    /** What failed inside the futures' wrappers ({@link CompletionException}, {@link ExecutionException}). */
    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
        return e;
    }

    private static String firstLine(String m) {
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
