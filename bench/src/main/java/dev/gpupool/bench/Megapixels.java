package dev.gpupool.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A secondary JMH result: source megapixels handled, which JMH reports as a rate next to ops/s
 * (the {@code megapixels} line of a result, in "ops/s", read it as MP/s).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Megapixels {
    public double megapixels;

    @Setup(Level.Iteration)
    public void reset() {
        megapixels = 0;
    }
}
