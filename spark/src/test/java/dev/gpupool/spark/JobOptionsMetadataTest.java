package dev.gpupool.spark;

import dev.gpupool.cli.ThumbnailOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metadata policy travels from the command line through JobOptions (serialised, as to an executor) into the spec. */
class JobOptionsMetadataTest {
    static final class Cmd {
        @CommandLine.Mixin
        ThumbnailOptions t;
    }

    @Test
    void keepOptionsReachTheExecutorsSpec() throws Exception {
        Cmd c = new Cmd();
        new CommandLine(c).parseArgs("--keep-metadata", "--keep-icc");
        JobOptions o = JobOptions.of(c.t);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        JobOptions back = (JobOptions) new ObjectInputStream(new ByteArrayInputStream(b.toByteArray())).readObject();
        assertTrue(back.spec().keepMetadata());
        assertTrue(back.spec().keepIcc());
        assertTrue(back.withFormat("png").spec().keepIcc(), "withers keep the policy");
        assertFalse(JobOptions.defaults().spec().keepMetadata(), "strip by default");
        assertEquals(false, JobOptions.defaults().withMetadata(true, false).spec().keepIcc());
    }
}
