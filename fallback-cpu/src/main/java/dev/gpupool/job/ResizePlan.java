package dev.gpupool.job;

import dev.gpupool.image.FitPlan;
import dev.gpupool.image.ResampleWeights;

/** One output of an image: its geometry, and the weights that take the decoded pixels there. */
public record ResizePlan(BoxSize box, FitPlan fit, ResampleWeights x, ResampleWeights y) {
}
