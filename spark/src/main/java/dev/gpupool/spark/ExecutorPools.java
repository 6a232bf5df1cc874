package dev.gpupool.spark;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
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
 */
public final class ExecutorPools {
    private static final Map<String, Pool> POOLS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> POOLS.values().forEach(Pool::close), "gpupool-spark-pools"));
    }

    private ExecutorPools() {
    }

    /** The GPU address Spark assigned to the running task, or -1 (no task, no GPU, not a number). */
    public static int assignedGpu() {
        TaskContext tc = TaskContext.get();
        if (tc == null) return -1;
        scala.Option<ResourceInformation> gpu = tc.resources().get("gpu");
        if (gpu.isEmpty() || gpu.get().addresses().length == 0) return -1;
        return visibleIndex(gpu.get().addresses()[0].strip(), System.getenv("CUDA_VISIBLE_DEVICES"));
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
            return Integer.parseInt(address);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The pool for the running task: on its assigned GPU, else as {@code options} say. */
    public static Pool forTask(JobOptions options) {
        int gpu = assignedGpu();
        Backend b = options.backendChoice();
        if (b == Backend.AUTO && gpu < 0) b = Backend.CPU_THREADS;
        int device = gpu >= 0 ? gpu : options.device();
        int workers = options.workers() > 0 ? options.workers() : executorCores();
        Backend backend = b;
        return POOLS.computeIfAbsent(backend.cliName() + "#" + device + "#" + workers, k -> {
            Pool.Builder pb = Pool.builder().backend(backend).device(device).workers(workers);
            return pb.open();
        });
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
