package dev.gpupool.codec;

import java.io.IOException;

/** An input that is not a readable image; the message is the one-line reason shown to the user. */
public class ImageDecodeException extends IOException {
    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
