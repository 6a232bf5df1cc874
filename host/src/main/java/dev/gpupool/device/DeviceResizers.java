package dev.gpupool.device;

import dev.gpupool.Backend;
import dev.gpupool.device.cuda.CudaResizer;
import dev.gpupool.device.opencl.OpenClResizer;

/** Opens the {@link DeviceResizer} of a device backend. */
public final class DeviceResizers {
    private DeviceResizers() {
    }

    /**
     * Opens device {@code deviceIndex} of {@code backend}; {@code explicit} is true when the user named
     * the backend (only then may OpenCL use a CPU device such as PoCL).
     */
    public static DeviceResizer open(Backend backend, int deviceIndex, boolean explicit) throws DeviceException {
        return switch (backend) {
            case OPENCL -> OpenClResizer.open(deviceIndex, explicit);
            case CUDA -> CudaResizer.open(deviceIndex);
            default -> throw new DeviceException(backend.cliName() + " has no device resizer");
        };
    }
}
