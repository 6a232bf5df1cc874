package dev.gpupool.cli;

import dev.gpupool.codec.Codecs;
import dev.gpupool.backend.Backends;
import dev.gpupool.device.ProbeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gpupool devices}: every backend probed, usable or not, and why; then the codecs. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List every backend probed, usable or not, and why; and the image codecs in use.")
final class DevicesCommand implements Callable<Integer> {
    @Option(names = {"-j", "--workers"}, description = "CPU workers to report (default: cores).")
    int workers = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() {
        PrintStream out = System.out;
        List<ProbeReport> all = Backends.probeAll(workers);
        String auto = null;
        for (ProbeReport r : all) {
            String note = "";
            if (r.usable() && r.backend() == dev.gpupool.Backend.OPENCL
                    && !Backends.probe(r.backend(), 0, workers, false).usable()) {
                note = " (a CPU device: used only with --backend opencl, never by auto)";
            }
            out.println(r.backend().cliName() + ": " + (r.usable() ? "usable, " + r.device() + note : r.reason()));
            for (String d : r.details()) out.println("  " + d);
        }
        Backends.Selection chosen = Backends.select(dev.gpupool.Backend.AUTO, 0, workers);
        chosen.runtime().close();
        for (ProbeReport r : chosen.probes()) {
            if (r.usable()) auto = r.backend().cliName() + " (" + r.device() + ")";
        }
        out.println("auto: " + auto);
        out.println("codecs:");
        for (String line : Codecs.describe()) out.println("  " + line);
        return Main.OK;
    }
}
