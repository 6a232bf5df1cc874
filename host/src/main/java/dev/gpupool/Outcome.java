package dev.gpupool;

import java.util.concurrent.CompletionException;

/**
 * The outcome of one task of a batch: its value, or the failure that ended it. A failure never
 * aborts the rest of the batch; it is kept here.
 *
 * @param index   the task's position in the input list
 * @param value   the result when the task succeeded, else null
 * @param failure what ended the task ({@link java.util.concurrent.TimeoutException},
 *                {@link java.util.concurrent.CancellationException}, or the task's own exception), or null
 * @param <R> the result type
 */
public record Outcome<R>(int index, R value, Throwable failure) {
    /** True when the task completed normally. */
    public boolean ok() {
        return failure == null;
    }

    /** The value, or a {@link CompletionException} carrying the failure. */
    public R get() {
        if (failure != null) throw new CompletionException(failure);
        return value;
    }
}
