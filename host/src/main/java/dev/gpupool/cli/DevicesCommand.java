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
        out.println("  " + gpuJpeg(all));
        return Main.OK;
    }

    /** The JPEG-on-the-GPU line: the CUDA session's own status, or why there is no GPU to decode on. */
    static String gpuJpeg(List<ProbeReport> all) {
        String prefix = "JPEG decoding on the GPU: ";
        for (ProbeReport r : all) {
            if (r.backend() != dev.gpupool.Backend.CUDA) continue;
            for (String d : r.details()) {
                int i = d.indexOf(prefix);
                if (i >= 0) return "jpeg on the GPU: " + d.substring(i + prefix.length());
            }
            var nv = dev.gpupool.device.nvjpeg.Nvjpeg.find();
            String lib = nv.library() != null ? "nvJPEG " + nv.library().version() + " found (" + nv.library().path() + ")" : nv.whyNot();
            return "jpeg on the GPU: off (no usable CUDA device: " + r.reason() + "; " + lib + ")";
        }
        return "jpeg on the GPU: off (the CUDA backend was not probed)";
    }
}
