/**
 * Batch thumbnailing on a {@link dev.gpupool.Pool}: {@link dev.gpupool.thumbnail.Thumbnailer} decodes,
 * resizes (on the pool's backend) and encodes a batch of files or URLs into an output directory and
 * returns a {@link dev.gpupool.thumbnail.BatchReport}; one failing image fails alone, with its reason.
 */
package dev.gpupool.thumbnail;
