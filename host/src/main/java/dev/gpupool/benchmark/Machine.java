package dev.gpupool.benchmark;

import dev.gpupool.codec.Codecs;
import dev.gpupool.device.ProbeReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a benchmark ran on, in words: CPU model and cores, memory, OS, Java, each backend's device
 * (GPU name and driver as the probes report them) and the JPEG codec.
 *
 * @param cpu     the CPU model from /proc/cpuinfo
 * @param cores   processors available to this JVM
 * @param memory  total memory from /proc/meminfo, or "unknown"
 * @param os      operating system and kernel
 * @param java    Java runtime version and VM
 * @param devices one line per probed backend: "opencl: usable, DEVICE (driver ...)" or why not
 * @param codec   the JPEG codec line of {@code gpupool devices}
 * @param accelerators the usable CUDA and OpenCL devices, "opencl: DEVICE (driver ...)"
 */
public record Machine(String cpu, int cores, String memory, String os, String java, List<String> devices, String codec,
                      List<String> accelerators) {
    public Machine {
        devices = List.copyOf(devices);
        accelerators = List.copyOf(accelerators);
    }

    /** This machine, with {@code probes} for the device lines. */
    public static Machine current(List<ProbeReport> probes) {
        List<String> devices = new ArrayList<>(), accelerators = new ArrayList<>();
        for (ProbeReport r : probes) {
            devices.add(r.backend().cliName() + ": " + (r.usable() ? r.device() : r.reason()));
            if (r.usable() && (r.backend() == dev.gpupool.Backend.CUDA || r.backend() == dev.gpupool.Backend.OPENCL)) {
                accelerators.add(r.backend().cliName() + ": " + r.device());
            }
        }
        String codec = Codecs.describe().stream().filter(l -> l.startsWith("jpeg")).findFirst().orElse("jpeg: unknown");
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), memTotal(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")", devices, codec, accelerators);
    }

    /** One line for a chart title: "AMD EPYC 7B13, 2 cores; opencl: DEVICE (driver ...)", usable devices only. */
    public String oneLine() {
        StringBuilder sb = new StringBuilder(cpu + ", " + cores + " core" + (cores == 1 ? "" : "s"));
        for (String d : accelerators) sb.append("; ").append(d);
        return sb.toString();
    }

    /** Everything on one line, for the console: CPU, cores, memory, each backend's device or why not, the JPEG codec. */
    public String summary() {
        return cpu + ", " + cores + " cores, " + memory + "; " + String.join("; ", devices) + "; " + codec;
    }

    /** A Markdown bullet list. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("- CPU: ").append(cpu).append(", ").append(cores).append(" cores available to the JVM\n");
        sb.append("- Memory: ").append(memory).append("\n");
        sb.append("- OS: ").append(os).append("; ").append(java).append("\n");
        for (String d : devices) sb.append("- ").append(d).append("\n");
        sb.append("- ").append(codec).append("\n");
        return sb.toString();
    }

    static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(System.getProperty("os.arch") + " CPU");
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch") + " CPU (model not readable)";
        }
    }

    static String memTotal() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal:")).findFirst().map(l -> {
                long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
                return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
            }).orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
