package dev.gpupool.spark;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.backend.Backends;
import dev.gpupool.device.ProbeReport;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link Pool} per executor JVM and device, shared by every task the executor runs at once and closed
 * when the JVM exits. The device is the GPU Spark assigned to the running task
 * ({@code TaskContext.get().resources().get("gpu")}, set by {@code spark.executor.resource.gpu.amount} /
 * {@code spark.task.resource.gpu.amount} and the discovery script); with {@code --backend auto} and no GPU
 * assigned, the pool runs on CPU threads: Spark already spreads the work over the executors' cores, so
 * worker processes would only add copies.
 *
 * <p>With {@code --backend auto} and a GPU assigned, the pool opens that GPU with CUDA, else as an OpenCL
 * GPU; when neither can open it (no driver, no such device on this node), the task runs on CPU threads and
 * {@link TaskPool#fallback()} says why, so that each report row names the address and the reason. With
 * {@code --backend cuda} or {@code opencl} the assigned device is insisted on and a task that cannot open
 * it fails (as the CLI does).
 */
public final class ExecutorPools {
    private static final Map<String, TaskPool> POOLS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> POOLS.values().forEach(p -> p.pool().close()), "gpupool-spark-pools"));
    }

    /**
     * A task's pool and where it was meant to run.
     *
     * @param pool     the pool
     * @param gpu      the GPU address Spark assigned to the task (as the discovery script listed it), or null
     * @param fallback why the pool runs on CPU threads and not on that GPU, or null when it did not fall back
     */
    public record TaskPool(Pool pool, String gpu, String fallback) {
    }

    private ExecutorPools() {
    }

    /** The GPU address Spark assigned to the running task, or null (no task, no GPU). */
    public static String assignedAddress() {
        TaskContext tc = TaskContext.get();
        if (tc == null) return null;
        scala.Option<ResourceInformation> gpu = tc.resources().get("gpu");
        if (gpu.isEmpty() || gpu.get().addresses().length == 0) return null;
        return gpu.get().addresses()[0].strip();
    }

    /** The device index of the GPU Spark assigned to the running task, or -1 (no task, no GPU, not a number). */
    public static int assignedGpu() {
        String a = assignedAddress();
        return a == null ? -1 : visibleIndex(a, System.getenv("CUDA_VISIBLE_DEVICES"));
    }

    /**
     * The device index the backend sees for a GPU address: where YARN or Kubernetes isolate GPUs with
     * {@code CUDA_VISIBLE_DEVICES}, address 3 may be the container's device 0.
     */
    static int visibleIndex(String address, String cudaVisibleDevices) {
        if (cudaVisibleDevices != null && !cudaVisibleDevices.isBlank()) {
            String[] visible = cudaVisibleDevices.split(",");
            for (int i = 0; i < visible.length; i++) if (visible[i].strip().equals(address)) return i;
        }
        try {
            int i = Integer.parseInt(address);
            return i >= 0 ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The pool for the running task: on its assigned GPU, else as {@code options} say. */
    public static Pool forTask(JobOptions options) {
        return taskPool(options).pool();
    }

    /** The pool for the running task, with the GPU address Spark assigned and the reason of a fallback. */
    public static TaskPool taskPool(JobOptions options) {
        return taskPool(options, assignedAddress(), System.getenv("CUDA_VISIBLE_DEVICES"), executorCores());
    }

    static TaskPool taskPool(JobOptions options, String address, String cudaVisibleDevices, int cores) {
        Backend b = options.backendChoice();
        int workers = options.workers() > 0 ? options.workers() : cores;
        if (address == null) {
            Backend backend = b == Backend.AUTO ? Backend.CPU_THREADS : b;
            int device = options.device();
            return POOLS.computeIfAbsent(backend.cliName() + "#" + device + "#" + workers + "#" + options.timeoutMillis(),
                    k -> new TaskPool(builder(options).backend(backend).device(device).workers(workers).open(), null, null));
        }
        int device = visibleIndex(address, cudaVisibleDevices);
        return POOLS.computeIfAbsent(b.cliName() + "@" + address + "#" + workers + "#" + options.timeoutMillis(), k -> {
            if (b == Backend.CPU || b == Backend.CPU_THREADS) {
                return new TaskPool(builder(options).backend(b).workers(workers).open(), address, null);
            }
            if (device < 0) {
                String why = "GPU address '" + address + "' assigned by Spark is not a device index"
                        + (cudaVisibleDevices == null ? "" : " (nor in CUDA_VISIBLE_DEVICES=" + cudaVisibleDevices + ")");
                if (b != Backend.AUTO) throw new IllegalStateException(why);
                return cpuThreads(options, address, workers, why);
            }
            if (b != Backend.AUTO) {
                return new TaskPool(builder(options).backend(b).device(device).workers(workers).open(), address, null);
            }
            // auto: the assigned GPU through CUDA, else as an OpenCL GPU, never the CPU process pool.
            String cuda;
            try {
                return new TaskPool(builder(options).backend(Backend.CUDA).device(device).workers(workers).open(), address, null);
            } catch (RuntimeException | LinkageError e) {   // LinkageError: a CUDA library that will not load
                cuda = e.getMessage() != null ? e.getMessage() : e.toString();
            }
            ProbeReport opencl = Backends.probe(Backend.OPENCL, device, workers, false);
            if (opencl.usable()) {
                try {
                    Pool p = builder(options).backend(Backend.AUTO).device(device).workers(workers).open();
                    if (p.backend() == Backend.CUDA || p.backend() == Backend.OPENCL) return new TaskPool(p, address, null);
                    p.close();
                } catch (RuntimeException e) {
                    return cpuThreads(options, address, workers, "GPU " + address + " assigned by Spark (device " + device + "): " + cuda
                            + "; opencl: " + e.getMessage());
                }
            }
            return cpuThreads(options, address, workers, "GPU " + address + " assigned by Spark (device " + device + ") cannot be opened: "
                    + cuda + "; opencl backend " + opencl.reason());
        });
    }

    private static TaskPool cpuThreads(JobOptions options, String address, int workers, String why) {
        return new TaskPool(builder(options).backend(Backend.CPU_THREADS).workers(workers).open(), address, why + "; ran on cpu-threads");
    }

    /** A pool builder with the job's time limit per item ({@code --timeout}). */
    private static Pool.Builder builder(JobOptions options) {
        return Pool.builder().taskTimeout(options.timeout());
    }

    private static int executorCores() {
        SparkEnv env = SparkEnv.get();
        int cores = Runtime.getRuntime().availableProcessors();
        if (env == null) return cores;
        String master = env.conf().get("spark.master", "");
        if (master.startsWith("local")) return cores;
        return Math.max(1, env.conf().getInt("spark.executor.cores", cores));
    }
}
