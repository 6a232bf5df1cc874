package dev.gpupool.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Names a process so that another process can later tell whether it still runs: {@code
 * DOMAIN-PID-START-}, where DOMAIN stands for the PID namespace (and boot) the pid is valid in, and
 * START is the process's start time, which tells it apart from a later process that got the same pid.
 * All three in base 36, so an {@link AtomicFiles} temporary's name stays short.
 *
 * <p>On Linux: the namespace is {@code /proc/self/ns/pid} with {@code /proc/sys/kernel/random/boot_id},
 * the start time field 22 of {@code /proc/PID/stat} (clock ticks since boot). Elsewhere: the host
 * name, and the start instant {@link ProcessHandle.Info} gives.
 */
final class ProcessOwner {
    /** The domain of this process's pids, computed once. */
    private static final String DOMAIN = domain();

    private ProcessOwner() {
    }

    /** {@code DOMAIN-PID-START-} of the live process {@code pid} (this one, usually). */
    static String prefix(long pid) {
        return DOMAIN + "-" + Long.toString(pid, 36) + "-" + start(pid).orElse("0") + "-";
    }

    /**
     * Whether the process {@code owner} (a name starting {@code DOMAIN-PID-START-}) has ended: true when
     * no process of that pid runs now with that start time; null when it cannot be told from here (another
     * PID namespace, a name not made by {@link #prefix}).
     */
    static Boolean isDead(String owner) {
        String[] f = owner.split("-", 4);
        if (f.length < 4 || !f[0].equals(DOMAIN)) return null;
        long pid;
        try {
            pid = Long.parseLong(f[1], 36);
        } catch (NumberFormatException e) {
            return null;
        }
        if (pid <= 0) return null;
        Optional<String> now = start(pid);
        return now.isEmpty() || !now.get().equals(f[2]);
    }

    /** The start time of process {@code pid} in base 36, or empty when no such process runs. */
    static Optional<String> start(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            // after the command name in parentheses (which may hold spaces and ')'): state is field 3
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.toString(Long.parseLong(rest[22 - 3]), 36));
        } catch (IOException | RuntimeException e) {
            if (Files.isDirectory(Path.of("/proc/self"))) return Optional.empty(); // Linux: no such process
        }
        return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant())
                .map(i -> Long.toString(i.toEpochMilli(), 36));
    }

    private static String domain() {
        String id;
        try {
            id = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")) + " "
                    + Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).strip();
        } catch (IOException | RuntimeException e) {
            try {
                id = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException | RuntimeException e2) {
                id = "localhost";
            }
        }
        // 6 base-36 digits of a hash: two namespaces sharing a directory are told apart, in a few bytes
        long h = 1125899906842597L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) h = 31 * h + b;
        String d = Long.toString(Math.floorMod(h, 2176782336L), 36); // 36^6
        return "0".repeat(6 - d.length()) + d;
    }
}
