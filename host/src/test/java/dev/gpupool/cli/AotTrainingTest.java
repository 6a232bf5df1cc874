package dev.gpupool.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher's start-up-cache training must run every path it names, or the cache misses them silently. */
class AotTrainingTest {
    @Test
    void everyTrainingRunSucceedsOnTheSamples() throws Exception {
        Path samples = Path.of("..", "samples").toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(samples), samples + " holds the launcher's training images");
        assertEquals(0, AotTraining.train(samples.toString()), "failed training runs");
    }
}
