/**
 * The one input layer of gpupool: which INPUTs name which images, for the CLI
 * ({@link dev.gpupool.thumbnail.InputScanner}) and the Spark job alike. An {@link dev.gpupool.input.InputSource}
 * reaches files (stat, list, open, real identity); {@link dev.gpupool.input.LocalSource} is the local file
 * system, and a Hadoop {@code FileSystem} source (in the spark module) is found at run time through
 * {@link dev.gpupool.input.InputSourceProvider}, so this module needs no Hadoop. Every rule (lists, URLs,
 * globs, the recursive sorted walk, hidden and temporary files, the output directory never walked, the
 * relative name an output mirrors) lives once, in {@link dev.gpupool.input.InputExpander}, so the CLI and
 * Spark cannot disagree about them.
 */
package dev.gpupool.input;
