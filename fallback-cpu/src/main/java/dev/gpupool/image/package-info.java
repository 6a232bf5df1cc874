/**
 * Pixels and the resize that every backend must reproduce: {@link dev.gpupool.image.PixelBuffer}
 * (interleaved 8-bit sRGB), the resampling {@link dev.gpupool.image.Filter}s, the per-axis
 * {@link dev.gpupool.image.ResampleWeights} that the host computes once and every backend applies,
 * the CPU {@link dev.gpupool.image.Resampler} (the reference), and the fit geometry
 * ({@link dev.gpupool.image.Fit}, {@link dev.gpupool.image.FitPlan}).
 */
package dev.gpupool.image;
