package dev.gpupool.cli;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.thumbnail.BatchReport;
import dev.gpupool.backend.cpu.ProcessEngine;
import dev.gpupool.thumbnail.Thumbnailer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gpupool thumbnails}: resize a batch of images (see the contract for every option). */
@Command(name = "thumbnails", sortOptions = false,
        description = {"Resize a batch of images.",
                "INPUT: a file; a directory (walked recursively); an http:// or https:// URL; @FILE, one INPUT a line (@- reads standard input).",
                "Outputs mirror their input's path under --out; up-to-date outputs are skipped (use --overwrite)."},
        footer = {"", "Output formats: jpg (libjpeg-turbo, else ImageIO), png, webp (libwebp when installed).",
                "Exit status: 0 all ok or skipped, 1 some inputs failed, 2 usage error, 3 nothing could run."})
final class ThumbnailsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "Files, directories, URLs, @FILE lists.")
    List<String> inputs;

    @Option(names = {"-o", "--out"}, order = 1, required = true, paramLabel = "DIR", description = "Output directory (required).")
    Path out;

    @Mixin
    ThumbnailOptions thumbnail;

    @Option(names = "--report", order = 22, paramLabel = "FILE", description = "Write the JSON report here.")
    Path report;

    @Option(names = "--trace", order = 23, paramLabel = "FILE", description = "Write a Chrome trace-event JSON timeline of every stage of every image (open it in Perfetto).")
    Path trace;

    @Mixin
    CommandTailOptions tail;

    /**
     * Called with the raw arguments of {@code gpupool thumbnails ...} before they are parsed: when they
     * leave the {@code cpu} backend possible (no {@code --backend}, or auto or cpu), starts its first
     * worker JVM now, so that it boots while this JVM parses and probes devices (about 0.15 s on 2 cores,
     * where the second core had nothing to do meanwhile). The engine adopts it; {@link #call} ends it
     * when the job goes to another backend, {@link Main#main} when the command ends without it.
     * Arguments it cannot read leave everything to the parser.
     */
    static void prestartWorkers(String[] args) {
        String backend = "auto";
        Integer workers = null;
        try {
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                String next = i + 1 < args.length ? args[i + 1] : null;
                if (a.equals("--")) break;
                if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) return;
                if (a.equals("--backend")) backend = next;
                else if (a.startsWith("--backend=")) backend = a.substring("--backend=".length());
                else if (a.equals("-j") || a.equals("--workers")) workers = next == null ? null : Integer.valueOf(next);
                else if (a.startsWith("--workers=")) workers = Integer.valueOf(a.substring("--workers=".length()));
                else if (a.startsWith("-j") && a.length() > 2) workers = Integer.valueOf(a.substring(a.startsWith("-j=") ? 3 : 2));
            }
        } catch (NumberFormatException e) {
            return; // the parser will say what is wrong
        }
        if (!("auto".equalsIgnoreCase(backend) || "cpu".equalsIgnoreCase(backend)) || (workers != null && workers < 1)) return;
        ProcessEngine.prestart(workers != null ? workers : Runtime.getRuntime().availableProcessors());
    }

    @Override
    public Integer call() {
        PrintStream err = System.err;
        try {
            thumbnail.validate();
            Pool pool = thumbnail.openPool();
            // A prestarted worker is of no use to another backend; on failures Main ends it anyway.
            if (pool.backend() != Backend.CPU) ProcessEngine.cancelPrestart();
            Thumbnailer t = thumbnail.thumbnailer(pool).trace(trace);
            try (pool; Progress progress = Progress.forTerminal(err)) {
                t.onItem(item -> {
                    if (item.status() == BatchReport.Status.FAILED) progress.println("FAILED " + item.input() + ": " + item.error());
                    else for (String w : item.warnings()) progress.println("WARNING " + item.input() + ": " + w);
                    progress.step();
                });
                BatchReport r = t.runInputs(inputs, out);
                progress.close();
                if (report != null) writeReport(r, err);
                if (r.elsewhereNote() != null) err.println("gpupool: " + r.elsewhereNote());
                err.println(r.summary());
                return r.failed() > 0 ? Main.SOME_FAILED : Main.OK;
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void writeReport(BatchReport r, PrintStream err) {
        try {
            r.writeJson(report);
        } catch (IOException e) {
            err.println("gpupool: cannot write the report to " + report + ": " + e.getMessage());
        }
    }
}
