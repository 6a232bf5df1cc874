package dev.gpupool.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;

import static dev.gpupool.cli.CliRun.gpupool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18 asks that {@code --help} show every option with an example: each option and parameter of
 * {@code gpupool thumbnails} but {@code -h} and {@code -V} says "e.g." in its description, and the help
 * lists them in their declared order (the command's tail, --verbose, -h, -V, last).
 */
class HelpExamplesTest {
    @Test
    void everyThumbnailsOptionHasAnExample() {
        CommandLine cl = new CommandLine(new ThumbnailsCommand());
        List<String> without = new ArrayList<>();
        List<ArgSpec> args = new ArrayList<>(cl.getCommandSpec().options());
        args.addAll(cl.getCommandSpec().positionalParameters());
        for (ArgSpec a : args) {
            if (a instanceof OptionSpec o && (o.usageHelp() || o.versionHelp())) continue;
            String d = String.join(" ", a.description());
            if (!d.contains("e.g.")) without.add(a.paramLabel() + " " + (a instanceof OptionSpec o ? o.longestName() : "") + ": " + d);
        }
        assertEquals(List.of(), without, "options whose help has no example");
    }

    @Test
    void theHelpEndsWithVerboseHelpAndVersionAfterTheThumbnailOptions() {
        CliRun h = gpupool("thumbnails", "--help");
        assertEquals(0, h.status(), h.err());
        String out = h.out();
        int avifSpeed = out.indexOf("--avif-speed="), verbose = out.indexOf("--verbose   "), help = out.indexOf("-h, --help");
        assertTrue(avifSpeed > 0 && verbose > avifSpeed && help > verbose, out);
        assertTrue(out.indexOf("--strip   ") < out.indexOf("--keep-metadata   "), out);
        assertFalse(out.substring(out.indexOf("--strip   "), out.indexOf("--keep-metadata   ")).contains("--verbose"), out);
        assertTrue(out.contains("-o tn_%s.jpg"), "%% in a description prints one %:\n" + out);
        assertFalse(h.err().contains("WARN"), h.err());
    }
}
