package dev.gpupool.cli;

import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.thumbnail.BatchReport;
import dev.gpupool.backend.cpu.ProcessEngine;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.job.BoxSize;
import dev.gpupool.job.ThumbnailJob;
import dev.gpupool.thumbnail.OutputNames;
import dev.gpupool.thumbnail.Thumbnailer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gpupool thumbnails}: resize a batch of images (see the contract for every option). */
@Command(name = "thumbnails", sortOptions = false,
        description = {"Resize a batch of images.",
                "INPUT: a file; a directory (walked recursively); an http:// or https:// URL; - (one image from standard input); "
                        + "@FILE, one INPUT a line (@- reads standard input).",
                "Outputs mirror their input's path under -o DIR, or are named by a template; up-to-date outputs are skipped (use --overwrite)."},
        // Help text is a format string to picocli: %%s prints %s.
        footer = {"", "Examples:",
                "  gpupool thumbnails photos/ -o thumbs          thumbs/a.jpg, thumbs/sub/b.jpg",
                "  gpupool thumbnails *.jpg -o tn_%%s.jpg         tn_a.jpg... here (vipsthumbnail)",
                "  gpupool thumbnails photos/ -s 128,512 -o 'small/{size}/{name}.{ext}'",
                "  gpupool thumbnails big.png -s 64 -f webp -o - > small.webp",
                "  curl -s https://example.com/a.jpg | gpupool thumbnails - -o - > a.jpg",
                "  find photos -name '*.png' | gpupool thumbnails @- -o thumbs --report -",
                "  gpupool thumbnails photos/ -o thumbs --keep-metadata --keep-icc    (EXIF, XMP, ICC kept)",
                "",
                "-o TEMPLATE: %%s or {name} is the input's name without extension, {size} the size, {ext} the "
                        + "format's extension; relative to the current directory, or absolute. A template ending in .jpg, "
                        + ".png, .webp or .avif sets the format, else .{ext} is added. With several sizes and no {size}, "
                        + "_SIZE goes before the extension.",
                "-o -: the output of one INPUT, at one size, to standard output (then --report needs a file).",
                "Output formats: jpg (libjpeg-turbo, else ImageIO), png, webp (libwebp when installed), avif (libavif 0.11.1 when installed).",
                "Exit status: 0 all ok or skipped, 1 some inputs failed, 2 usage error, 3 nothing could run."})
final class ThumbnailsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "Files, directories, URLs, - (standard input), @FILE lists, "
            + "e.g. photos/ a.jpg https://example.com/b.png @list.txt.")
    List<String> inputs;

    @Option(names = {"-o", "--out"}, order = 1, required = true, paramLabel = "DIR|TEMPLATE|-",
            description = "Output directory, name template or - for standard output (required), "
                    + "e.g. -o thumbs, -o tn_%%s.jpg, -o '{name}_{size}.{ext}', -o -.")
    String out;

    @Mixin
    ThumbnailOptions thumbnail;

    @Option(names = "--report", order = 22, paramLabel = "FILE|-", description = "Write the JSON report here (- for standard output), "
            + "e.g. --report report.json.")
    String report;

    @Option(names = "--trace", order = 23, paramLabel = "FILE", description = "Write a Chrome trace-event JSON timeline of every stage of every image "
            + "(open it in Perfetto), e.g. --trace trace.json.")
    Path trace;

    @Mixin
    CommandTailOptions tail;

    /**
     * Called with the raw arguments of {@code gpupool thumbnails ...} before they are parsed, to use the
     * second core while this JVM parses and probes devices (about 0.15 s on 2 cores, where it had
     * nothing to do meanwhile):
     * <ul>
     * <li>when they leave the {@code cpu} backend possible (no {@code --backend}, or auto or cpu), starts
     * its first worker JVM now. The engine adopts it; {@link #call} ends it when the job goes to another
     * backend, {@link Main#main} when the command ends without it;
     * <li>with {@code --backend cpu-threads}, which decodes in this JVM, warms that path up on a daemon
     * thread, as a worker does while it waits for its first task ({@link ThumbnailJob#warmUp}: binding
     * libjpeg-turbo, whose downcall stubs alone took ~60 ms, and one small image through the job).
     * </ul>
     * Arguments it cannot read leave everything to the parser.
     *
     * @return the warm-up thread it started, or null
     */
    static Thread prestart(String[] args) {
        String backend = "auto";
        Integer workers = null;
        try {
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                String next = i + 1 < args.length ? args[i + 1] : null;
                if (a.equals("--")) break;
                if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) return null;
                if (a.equals("--backend")) backend = next;
                else if (a.startsWith("--backend=")) backend = a.substring("--backend=".length());
                else if (a.equals("-j") || a.equals("--workers")) workers = next == null ? null : Integer.valueOf(next);
                else if (a.startsWith("--workers=")) workers = Integer.valueOf(a.substring("--workers=".length()));
                else if (a.startsWith("-j") && a.length() > 2) workers = Integer.valueOf(a.substring(a.startsWith("-j=") ? 3 : 2));
            }
        } catch (NumberFormatException e) {
            return null; // the parser will say what is wrong
        }
        if ("cpu-threads".equalsIgnoreCase(backend)) {
            return Thread.ofPlatform().daemon().name("gpupool-warm-up").start(() -> {
                try {
                    ThumbnailJob.warmUp();
                } catch (Throwable e) {
                    // only a head start: the images that need whatever failed report it themselves
                }
            });
        }
        if (("auto".equalsIgnoreCase(backend) || "cpu".equalsIgnoreCase(backend)) && (workers == null || workers >= 1)) {
            ProcessEngine.prestart(workers != null ? workers : Runtime.getRuntime().availableProcessors());
        }
        return null;
    }

    /**
     * How long after a signal the JVM may wait for this command's report and summary: the pool's
     * grace for running images (10 s), the killing of the rest, and some. Bounded, so that a command
     * stuck elsewhere (reading {@code @-} from a terminal) still ends.
     */
    static final java.time.Duration REPORT_AFTER_SIGNAL = java.time.Duration.ofSeconds(25);

    @Override
    public Integer call() {
        PrintStream err = System.err;
        Path stdoutDir = null;
        // On SIGINT/SIGTERM/SIGHUP the JVM exits (130/143/129) once every shutdown hook has returned: this
        // one holds it until the unfinished inputs are marked, the report written and the summary printed.
        java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
        Thread holdExit = new Thread(() -> {
            try {
                reported.await(REPORT_AFTER_SIGNAL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException ignored) {
                // the JVM goes
            }
        }, "gpupool-report-before-exit");
        Runtime.getRuntime().addShutdownHook(holdExit);
        try {
            thumbnail.validate();
            Target target = target();
            Pool pool = thumbnail.openPool();
            // A prestarted worker is of no use to another backend; on failures Main ends it anyway.
            if (pool.backend() != Backend.CPU) ProcessEngine.cancelPrestart();
            Thumbnailer t = thumbnail.thumbnailer(pool).trace(trace);
            BatchReport r;
            String traceError = null;
            if (target.format != null) t.format(target.format);
            try (pool; Progress progress = Progress.forTerminal(err)) {
                t.onListed(progress::total);
                t.onItem(item -> {
                    String name = Printable.escape(item.input());
                    if (item.status() == BatchReport.Status.FAILED) progress.println("FAILED " + name + ": " + Printable.escape(item.error()));
                    else for (String w : item.warnings()) progress.println("WARNING " + name + ": " + Printable.escape(w));
                    progress.step();
                });
                try {
                    if (target.toStdout) {
                        stdoutDir = Files.createTempDirectory("gpupool-stdout-");
                        r = t.runInputs(inputs, stdoutDir);
                    } else if (target.template) {
                        r = t.runTemplate(inputs, out);
                    } else {
                        r = t.runInputs(inputs, Path.of(out));
                    }
                } catch (dev.gpupool.thumbnail.TraceWriteException e) {
                    r = e.report();
                    traceError = e.getMessage();
                }
                progress.close(); // erased: nothing of it stays above the summary
            }
            // The pool is closed (its workers ended, whatever they had to say relayed): the summary is last.
            boolean written = true;
            if (traceError != null) {
                err.println("gpupool: " + Printable.escape(traceError));
                written = false;
            }
            if (target.toStdout) {
                written = copyToStdout(r, err);
                r = outputsAre(r, "-");
            }
            if (report != null && !writeReport(r, err)) written = false;
            if (r.elsewhereNote() != null) err.println("gpupool: " + Printable.escape(r.elsewhereNote()));
            if (pool.interruption() != null) {
                err.println("gpupool: " + pool.interruption() + ": inputs not finished are reported failed");
            }
            err.println(r.summary());
            return r.failed() > 0 || !written ? Main.SOME_FAILED : Main.OK;
        } catch (dev.gpupool.cpu.PoolStoppedException e) { // a signal before the pool existed: nothing ran
            err.println("gpupool: " + e.getMessage() + " before the batch began; nothing was done");
            return Main.SOME_FAILED;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            if (stdoutDir != null) deleteTree(stdoutDir);
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(holdExit);
            } catch (IllegalStateException e) {
                // a signal's shutdown is under way: the hook has just been released
            }
        }
    }

    /**
     * What {@code -o} names, checked before anything runs (each rule broken is a usage error):
     * {@code -o -} takes exactly one INPUT that is not a directory or a list, and one size, and leaves
     * standard output to the image ({@code --report -} is refused); standard input is read by one of
     * {@code -} and {@code @-} at most; a template must be one {@link OutputNames#template} accepts, and an
     * explicit {@code -f} must agree with its literal extension; {@code -o} is never empty; a directory
     * {@code -o} must not be an existing file that is not a directory, nor (by real path) a directory given
     * as an INPUT ({@link OutputNames#refuseInputDirectory}); a {@code --report} or {@code --trace} file must
     * be one that can be written ({@link #checkWritableFile}).
     */
    private record Target(boolean toStdout, boolean template, OutputFormat format) {
    }

    private Target target() {
        if (report != null && !report.equals("-")) checkWritableFile("--report", report);
        if (trace != null) {
            // not standard output (that is the report's or the image's), and never a file named "-" in the
            // working directory, which is what a user meaning standard output would get
            if (trace.toString().equals("-")) throw new IllegalArgumentException("--trace - : the trace goes to a file, e.g. --trace trace.json");
            checkWritableFile("--trace", trace.toString());
        }
        long stdinReaders = inputs.stream().filter(a -> a.equals("-") || a.equals("@-")).count();
        if (stdinReaders > 1) throw new IllegalArgumentException("standard input can be read once: give one of - and @-, once");
        if (out.equals("-")) {
            if (thumbnail.sizes().size() != 1) {
                throw new IllegalArgumentException("-o - writes one image to standard output: give one size, not " + thumbnail.sizes().size());
            }
            String only = inputs.size() == 1 ? inputs.getFirst() : null;
            if (only == null || only.startsWith("@") || !only.equals("-") && isDirectory(only)) {
                throw new IllegalArgumentException("-o - writes one image to standard output: give exactly one INPUT (a file, a URL or -), "
                        + (only == null ? "not " + inputs.size() : "not a " + (only.startsWith("@") ? "list" : "directory")));
            }
            if ("-".equals(report)) {
                throw new IllegalArgumentException("-o - and --report - would both write to standard output: give --report a file");
            }
            return new Target(true, false, null);
        }
        if (out.isBlank()) throw new IllegalArgumentException("-o needs a directory, a template or -, not an empty string");
        if (!OutputNames.isTemplate(out)) {
            Path dir;
            try {
                dir = Path.of(out);
            } catch (java.nio.file.InvalidPathException e) {
                throw new IllegalArgumentException("-o " + out + " is not a valid path: " + e.getReason());
            }
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("-o " + out + " exists and is not a directory: give a directory, a template (tn_%s.jpg) or -");
            }
            OutputNames.refuseInputDirectory(inputs, dir);
            return new Target(false, false, null);
        }
        OutputFormat fixed = OutputNames.templateFormat(out);
        if (fixed != null && spec.commandLine().getParseResult().hasMatchedOption("--format")
                && !thumbnail.format().equalsIgnoreCase(fixed.extension()) && !(fixed == OutputFormat.JPEG && thumbnail.format().equalsIgnoreCase("jpeg"))) {
            throw new IllegalArgumentException("-o " + out + " writes " + fixed.extension() + " but --format says " + thumbnail.format()
                    + ": leave one out, or end the template in .{ext}");
        }
        List<BoxSize> sizes = thumbnail.sizes().stream().map(BoxSize::parse).toList();
        OutputNames.template(out, sizes, fixed); // its usage errors, before any work
        return new Target(false, true, fixed);
    }

    private static boolean isDirectory(String arg) {
        try {
            return Files.isDirectory(Path.of(arg));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** The single output of {@code -o -}, made in a temporary directory, to standard output; false when it could not be. */
    private static boolean copyToStdout(BatchReport r, PrintStream err) {
        BatchReport.Item item = r.items().getFirst();
        if (item.status() != BatchReport.Status.OK) return true; // its FAILED line says why
        PrintStream stdout = System.out;
        try {
            stdout.write(Files.readAllBytes(Path.of(item.output())));
        } catch (IOException e) {
            err.println(Printable.escape("gpupool: cannot write to standard output: " + e.getMessage()));
            return false;
        }
        stdout.flush();
        if (stdout.checkError()) {
            err.println("gpupool: cannot write to standard output");
            return false;
        }
        return true;
    }

    /** The report with every planned output named {@code output} ({@code -}: standard output, not the temporary it went through). */
    private static BatchReport outputsAre(BatchReport r, String output) {
        List<BatchReport.Item> items = r.items().stream().map(i -> i.output() == null ? i
                : new BatchReport.Item(i.input(), output, i.status(), i.error(), i.backend(), i.width(), i.height(), i.millis(), i.warnings(),
                        i.format(), i.inputWidth(), i.inputHeight(),
                        i.outputs().stream().map(o -> new BatchReport.Output(output, o.size(), o.width(), o.height(), o.bytes())).toList(),
                        i.ran())).toList();
        return new BatchReport(r.backend(), r.device(), r.ok(), r.failed(), r.skipped(), r.seconds(), r.stages(), items);
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // a temporary directory left behind is the system's to clean
        }
    }

    /** Writes the report; false (having said why on {@code err}) when it could not be. */
    private boolean writeReport(BatchReport r, PrintStream err) {
        if (report.equals("-")) {
            PrintStream stdout = System.out;
            stdout.println(r.toJson());
            stdout.flush();
            return true;
        }
        try {
            r.writeJson(Path.of(report));
            return true;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            err.println(Printable.escape("gpupool: cannot write the report to " + report + ": " + reason(e)));
            return false;
        }
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file or directory";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Refuses, before any work, a {@code --report} or {@code --trace} file that cannot be written: an
     * invalid path, a directory, a file that is not writable, or one whose directory does not exist (it is
     * not created: a mistyped directory would otherwise be made silently) or is not writable.
     */
    static void checkWritableFile(String option, String file) {
        Path p;
        try {
            p = Path.of(file);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException(option + " " + file + " is not a valid path: " + e.getReason());
        }
        if (file.isEmpty()) throw new IllegalArgumentException(option + " needs a file name, not an empty string");
        if (Files.isDirectory(p)) throw new IllegalArgumentException(option + " " + file + " is a directory: give a file");
        Path parent = p.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + file + ": the directory " + parent + " does not exist");
        }
        if (Files.exists(p) ? !Files.isWritable(p) : !Files.isWritable(parent)) {
            throw new IllegalArgumentException(option + " " + file + " cannot be written: permission denied");
        }
    }
}
