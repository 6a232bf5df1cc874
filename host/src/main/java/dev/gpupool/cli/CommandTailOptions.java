package dev.gpupool.cli;

import picocli.CommandLine.Option;

/**
 * The options every batch command ends its help with: {@code --verbose}, then {@code -h} and {@code -V}
 * as {@code mixinStandardHelpOptions} makes them, but listed last, after the ordered options (orders
 * 60 to 71: the thumbnail options run to 45). A picocli mixin for {@code gpupool thumbnails} and {@code gpupool spark}.
 */
public final class CommandTailOptions {
    @Option(names = "--verbose", order = 60, description = "Stack traces for internal errors, e.g. --verbose.")
    public boolean verbose;

    @Option(names = {"-h", "--help"}, order = 70, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, order = 71, versionHelp = true, description = "Print version information and exit.")
    boolean version;
}
