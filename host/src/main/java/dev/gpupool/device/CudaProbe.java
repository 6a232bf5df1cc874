package dev.gpupool.device;

/**
 * Moved to {@link dev.gpupool.device.cuda.CudaProbe}; this forwarder keeps {@link Backends} compiling
 * until it names the new class. Delete it then.
 */
public final class CudaProbe implements BackendProbe {
    @Override
    public ProbeReport probe(int deviceIndex) {
        return new dev.gpupool.device.cuda.CudaProbe().probe(deviceIndex);
    }
}
