package dev.gpupool.backend;

import dev.gpupool.device.ProbeReport;

/**
 * What probing one backend found, and the runtime it opened on the way: non-null exactly when the
 * report says usable. Closing the result closes that runtime (for a caller that only wanted the report).
 */
public record ProbeResult(ProbeReport report, BackendRuntime runtime) implements AutoCloseable {
    public ProbeResult {
        if (report.usable() != (runtime != null)) {
            throw new IllegalArgumentException("a usable report comes with its runtime, an unusable one without: " + report);
        }
    }

    public static ProbeResult unusable(ProbeReport report) {
        return new ProbeResult(report, null);
    }

    @Override
    public void close() {
        if (runtime != null) runtime.close();
    }
}
