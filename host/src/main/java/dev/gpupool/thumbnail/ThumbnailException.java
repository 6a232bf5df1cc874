package dev.gpupool.thumbnail;

import java.io.IOException;

/**
 * An image that could not be thumbnailed ({@link Thumbnailer#thumbnail(byte[])}): the message is the
 * one-line reason a batch reports for the same input ({@code not a recognised image format (starts with ...)},
 * {@code corrupt jpeg: ...}, ...), the cause what raised it.
 */
public class ThumbnailException extends IOException {
    public ThumbnailException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
