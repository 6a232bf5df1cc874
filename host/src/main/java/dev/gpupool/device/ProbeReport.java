package dev.gpupool.device;

import dev.gpupool.Backend;

import java.util.List;

/**
 * What probing one backend found.
 *
 * @param backend the backend probed
 * @param usable  whether it can run work here
 * @param device  the device it would use ("NVIDIA H100 80GB", "2 worker processes"), or null when unusable
 * @param reason  why it is not usable, or a short note when it is
 * @param details one line per platform/device/library seen, usable or not, each saying why
 */
public record ProbeReport(Backend backend, boolean usable, String device, String reason, List<String> details) {
    public static ProbeReport unavailable(Backend backend, String reason, List<String> details) {
        return new ProbeReport(backend, false, null, reason, details);
    }
}
