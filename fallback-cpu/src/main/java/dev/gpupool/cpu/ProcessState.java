package dev.gpupool.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a worker process is stopped (SIGSTOP, SIGTSTP): such a worker makes no progress, through
 * no fault of the tasks it holds, so the pool kills it and runs its tasks elsewhere instead of
 * waiting for them or failing them at their time limits ({@link WorkerSlot}). Read from Linux's
 * {@code /proc/PID/stat}; where there is none, a process is never taken for stopped (its tasks
 * then time out as any other).
 */
final class ProcessState {
    private ProcessState() {
    }

    /** Whether process {@code pid} is stopped now (state T; not t, a debugger's stop, which is someone at work). */
    static boolean stopped(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int close = stat.lastIndexOf(')'); // the name in parentheses may hold anything, ')' included
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'T';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
