/**
 * gpupool: a pool of workers bound to one backend (CUDA, OpenCL, or the CPU) for plain Java tasks,
 * image jobs and user kernels. Start at {@link dev.gpupool.Pool}: {@link dev.gpupool.Pool#open()}
 * takes the first usable backend in the order CUDA, an OpenCL GPU, the CPU process pool;
 * {@link dev.gpupool.Pool#open(dev.gpupool.Backend)} insists on one. Thumbnails are in
 * {@link dev.gpupool.thumbnail}, user kernels in {@link dev.gpupool.kernel}.
 *
 * <p>As a library, {@code dev.gpupool:gpupool-host} brings the pool, the thumbnails, the codecs and the
 * CPU backends. The CUDA backend needs {@code org.jcuda:jcuda} and
 * {@code org.jcuda:jcuda-natives:linux-x86_64}, the OpenCL backend {@code org.jocl:jocl}, on the class
 * path; without them those backends report themselves not available and the CPU is used. Native
 * code (libjpeg-turbo and libwebp through the FFM API, the CUDA driver probe) wants
 * {@code --enable-native-access=ALL-UNNAMED} on the class path, or
 * {@code --enable-native-access=dev.gpupool,dev.gpupool.cpu} on the module path; without it the JVM
 * prints a warning on first use.
 */
package dev.gpupool;
