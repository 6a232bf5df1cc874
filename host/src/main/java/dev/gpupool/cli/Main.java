package dev.gpupool.cli;

import dev.gpupool.backend.cpu.ProcessEngine;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Entry point of gpupool.jar. */
@Command(name = "gpupool", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "GPU-accelerated batch thumbnailing and task pool for the JVM.",
        subcommands = {ThumbnailsCommand.class, DevicesCommand.class, SelftestCommand.class, BenchCommand.class, SparkCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit statuses of the contract. */
    static final int OK = 0, SOME_FAILED = 1, USAGE = 2, CANNOT_RUN = 3;
    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // The library warns through System.Logger (a reduced worker count, a failed device); on the
        // command line each warning is its message alone, one line, not the JDK's two with a timestamp.
        if (System.getProperty(LOG_FORMAT) == null) System.setProperty(LOG_FORMAT, "%5$s%n");
        String unreadable = unreadableInLocale(args);
        if (unreadable != null) {
            System.err.println(unreadable);
            System.exit(USAGE);
        }
        // Only here, not in run(): tests and embedders call run() in a JVM that outlives the command.
        if (args.length > 0 && args[0].equals("thumbnails")) ThumbnailsCommand.prestart(args);
        int status = run(args);
        ProcessEngine.cancelPrestart(); // left unadopted by a usage error, or a failure before the engine
        System.exit(status);
    }

    /**
     * Why the arguments cannot be used in this JVM's locale, in one line, or null. The JVM names files in
     * the charset of {@code LC_CTYPE}, fixed at its start ({@code sun.jnu.encoding}); under {@code LC_ALL=C}
     * (cron) that is ASCII, the launcher's decoding has already turned a non-ASCII argument into
     * {@code U+FFFD}, and no such file could be opened. The {@code gpupool} launchers run the JVM with a
     * UTF-8 character type; this is for a JVM started some other way.
     */
    static String unreadableInLocale(String[] args) {
        String jnu = System.getProperty("sun.jnu.encoding", "UTF-8");
        if (jnu.equalsIgnoreCase("UTF-8")) return null;
        for (String a : args) {
            if (a.indexOf('\uFFFD') >= 0) {
                return "gpupool: an argument is not valid in this locale's character set (" + jnu + "), so no file of that name "
                        + "can be read or written: run with a UTF-8 locale, e.g. LC_ALL=C.UTF-8 (the gpupool launchers do)";
            }
        }
        return null;
    }

    /** Runs the command line and returns the exit status (for tests and embedding). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // @FILE is gpupool's list of inputs, one a line (InputScanner), never a file of options: picocli's
        // own expansion would read --report=... or -o lines from a list as options, split names with
        // spaces, and hang on @/dev/zero.
        cl.setExpandAtFiles(false);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof dev.gpupool.BackendUnavailableException) {
                line.getErr().println("gpupool: " + Printable.escape(e.getMessage()));
                return CANNOT_RUN;
            }
            throw e;
        });
        return cl.execute(args);
    }

    /**
     * A usage error in two lines on standard error, the reason and where to read more (as GNU tools do),
     * instead of the reason and the whole usage help: {@code gpupool thumbnails: Missing required option...}
     * then {@code Try 'gpupool thumbnails --help' for more information.} A mistyped option's likely
     * meaning joins the first line. Exit status 2.
     */
    static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        String name = line.getCommandSpec().qualifiedName();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += " (did you mean " + String.join(" or ", u.getSuggestions().stream().limit(3).toList()) + "?)";
        }
        java.io.PrintWriter err = line.getErr();
        err.println(name + ": " + Printable.escape(message)); // a value quoted in it (a file name) cannot add lines
        err.println("Try '" + name + " --help' for more information.");
        err.flush();
        return USAGE;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed: thumbnails, devices, selftest, bench, spark");
    }

    /** The version from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"gpupool " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }

        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("/dev/gpupool/version.properties")) {
                Properties p = new Properties();
                if (in != null) p.load(in);
                return p.getProperty("version", "unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}
