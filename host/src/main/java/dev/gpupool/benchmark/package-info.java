/**
 * {@code gpupool bench}: the same batch of images through every usable backend of gpupool and through
 * the Java peer, Thumbnailator 0.4.20, in one run, interleaved with the order rotated every round
 * after warm-up rounds, so that the contenders share the machine's state (caches, thermal, other
 * load); {@link dev.gpupool.benchmark.BenchRun} measures, {@link dev.gpupool.benchmark.Machine} names
 * the machine, {@link dev.gpupool.benchmark.MarkdownReport} and {@link dev.gpupool.benchmark.SvgChart}
 * write the table and the chart, {@link dev.gpupool.benchmark.SampleImages} makes photo-like inputs when
 * none are given.
 */
package dev.gpupool.benchmark;
