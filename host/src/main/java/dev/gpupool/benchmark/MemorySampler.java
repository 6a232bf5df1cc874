package dev.gpupool.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Samples, every 10 ms while a contender runs, this JVM's used heap (live objects and garbage not yet
 * collected) and, when asked, the summed resident set size (VmRSS from /proc/PID/status) of this
 * process's descendants: gpupool's worker processes. Peaks are what was seen, so a spike between
 * two samples can be missed; a child whose /proc entry is not readable counts as 0.
 */
final class MemorySampler implements AutoCloseable {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private final boolean children;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peakHeap, peakChildren = -1;

    private MemorySampler(boolean children) {
        this.children = children;
        this.thread = Thread.ofPlatform().daemon().name("bench-memory").start(this::loop);
    }

    /** Starts sampling; {@code children}: also the descendants' resident memory. */
    static MemorySampler start(boolean children) {
        return new MemorySampler(children);
    }

    private void loop() {
        while (running) {
            sample();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        long heap = MEMORY.getHeapMemoryUsage().getUsed();
        if (heap > peakHeap) peakHeap = heap;
        if (children) {
            long rss = childrenRss();
            if (rss > peakChildren) peakChildren = rss;
        }
    }

    /** Peak used heap seen, bytes. */
    long peakHeap() {
        return peakHeap;
    }

    /** Peak summed RSS of the descendants seen, bytes; -1 when not sampled. */
    long peakChildren() {
        return peakChildren;
    }

    static long childrenRss() {
        List<ProcessHandle> kids = ProcessHandle.current().descendants().toList();
        long sum = 0;
        for (ProcessHandle p : kids) sum += statusKb(p.pid(), "VmRSS:") * 1024;
        return sum;
    }

    /** A "Name: N kB" line of /proc/PID/status, in kB; 0 when not readable. */
    static long statusKb(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(key)) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        return 0;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }
}
