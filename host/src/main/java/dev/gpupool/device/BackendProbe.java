package dev.gpupool.device;

/**
 * Finds out whether a device backend can run here. Probing never throws and never crashes the JVM:
 * a missing driver library, no device or a too-old driver come back as an unusable report.
 */
public interface BackendProbe {
    /** Probes; {@code deviceIndex} picks among several devices (0 = the first usable). */
    ProbeReport probe(int deviceIndex);
}
