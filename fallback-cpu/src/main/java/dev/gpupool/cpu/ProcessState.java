package dev.gpupool.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a worker process is stopped (SIGSTOP, SIGTSTP, a debugger): such a worker makes no
 * progress, through no fault of the tasks it holds, so when one of them reaches its time limit the
 * pool kills the worker and runs its tasks elsewhere instead of failing them. Read from Linux's
 * {@code /proc/PID/stat}; where there is none, a process is never taken for stopped (its tasks
 * then time out as any other).
 */
final class ProcessState {
    private ProcessState() {
    }

    /** Whether process {@code pid} is stopped now (state T, or t: stopped while traced). */
    static boolean stopped(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int close = stat.lastIndexOf(')'); // the name in parentheses may hold anything, ')' included
            return close > 0 && close + 2 < stat.length() && (stat.charAt(close + 2) == 'T' || stat.charAt(close + 2) == 't');
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
