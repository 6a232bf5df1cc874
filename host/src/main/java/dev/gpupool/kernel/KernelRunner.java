package dev.gpupool.kernel;

import java.util.List;

/**
 * Runs user kernels on one device, as a client of the pool's device session (it never owns a context).
 * Launches may come from several threads; the runner serialises what it must.
 */
public interface KernelRunner {
    /** Null when this device can run {@code kernel}'s own code; otherwise why not ("kernel saxpy has no PTX"). */
    String missingCode(Kernel kernel);

    /** Runs {@code n} work items; the results are in the arguments' arrays when it returns. */
    LaunchReport launch(Kernel kernel, int n, List<Arg> args) throws KernelException;
}
