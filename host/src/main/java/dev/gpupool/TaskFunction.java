package dev.gpupool;

/** A function that may throw; what {@link Pool#map} applies to each input. */
@FunctionalInterface
public interface TaskFunction<T, R> {
    R apply(T input) throws Exception;
}
