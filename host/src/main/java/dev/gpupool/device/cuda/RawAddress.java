package dev.gpupool.device.cuda;

import jcuda.NativePointerObject;

/**
 * The native address behind a JCuda handle or device pointer, for the libraries gpupool calls through
 * FFM with the session's memory and streams (nvJPEG). JCuda keeps the address in a protected field;
 * a subclass built from the handle reads it. Only for handles that carry no byte offset (as
 * {@code cuMemAlloc}'s pointers and {@code cuStreamCreate}'s streams do): add offsets to the address.
 */
final class RawAddress extends NativePointerObject {
    private RawAddress(NativePointerObject of) {
        super(of);
    }

    static long of(NativePointerObject handle) {
        return new RawAddress(handle).getNativePointer();
    }
}
