package dev.gpupool;

import java.util.Locale;

/** Where a pool runs its work. */
public enum Backend {
    /** The first usable of CUDA, an OpenCL GPU, the CPU process pool. */
    AUTO,
    /** An NVIDIA GPU through the CUDA driver API. */
    CUDA,
    /** An OpenCL device: any GPU, or a CPU device (such as PoCL) when asked for by name. */
    OPENCL,
    /** A pool of CPU worker processes: isolated, a crash loses one task, not the batch. */
    CPU,
    /** Threads in this process: no start-up cost, no isolation. */
    CPU_THREADS;

    /** The command-line name: {@code auto}, {@code cuda}, {@code opencl}, {@code cpu}, {@code cpu-threads}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a command-line name, case-insensitively. */
    public static Backend parse(String name) {
        for (Backend b : values()) if (b.cliName().equalsIgnoreCase(name.trim())) return b;
        throw new IllegalArgumentException("unknown backend '" + name + "' (expected auto, cuda, opencl, cpu or cpu-threads)");
    }

    @Override
    public String toString() {
        return cliName();
    }
}
