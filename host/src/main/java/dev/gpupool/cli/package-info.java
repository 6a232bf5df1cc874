/**
 * The {@code gpupool} command line (picocli): one class per subcommand, each a thin layer that parses
 * options into the library's builders, prints what the contract says, and maps outcomes to exit
 * statuses (0 all ok, 1 some inputs failed, 2 usage error, 3 nothing could run).
 */
package dev.gpupool.cli;
