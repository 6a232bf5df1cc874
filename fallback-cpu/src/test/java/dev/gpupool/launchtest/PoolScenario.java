package dev.gpupool.launchtest;

import dev.gpupool.cpu.ProcessPool;
import dev.gpupool.cpu.WorkerMain;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Run by AnyLauncherTest in a child JVM under a launcher of some kind: starts a process pool the
 * default way (class path found by the pool) and prints what happened, one "key=value" a line.
 */
public final class PoolScenario {
    private PoolScenario() {
    }

    /** "answer=PID:hi" when a worker ran the task, else "failed=<noWorkerStarted>:<message>". */
    public static String startOrWhy() throws Exception {
        try (ProcessPool pool = ProcessPool.start(ProcessPool.Options.of(PidHandler.class).workers(1).startupCache(false))) {
            return "answer=" + new String(pool.submit("hi".getBytes(StandardCharsets.UTF_8)).get(60, TimeUnit.SECONDS),
                    StandardCharsets.UTF_8);
        } catch (dev.gpupool.cpu.WorkerStartException e) {
            return "failed=" + e.noWorkerStarted() + ":" + e.getMessage();
        }
    }

    public static void main(String[] args) throws Exception {
        System.out.println("self=" + ProcessHandle.current().pid());
        System.out.println("named=" + WorkerMain.class.getModule().isNamed());
        System.out.println("javaClassPath=" + System.getProperty("java.class.path"));
        try (ProcessPool pool = ProcessPool.start(ProcessPool.Options.of(PidHandler.class).workers(1).startupCache(false))) {
            byte[] answer = pool.submit("hi".getBytes(StandardCharsets.UTF_8)).get(60, TimeUnit.SECONDS);
            System.out.println("answer=" + new String(answer, StandardCharsets.UTF_8));
        } catch (ExecutionException e) {
            System.out.println("failed=" + e.getCause().getMessage());
        }
    }
}
