package dev.gpupool.spark;

import dev.gpupool.cli.ThumbnailOptions;
import dev.gpupool.image.Crop;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code --crop} travels from the command line through JobOptions (serialised, as to an executor) into the spec. */
class JobOptionsCropTest {
    static final class Cmd {
        @CommandLine.Mixin
        ThumbnailOptions t;
    }

    @Test
    void cropReachesTheExecutorsSpec() throws Exception {
        Cmd c = new Cmd();
        new CommandLine(c).parseArgs("--fit", "cover", "--crop", "entropy");
        JobOptions o = JobOptions.of(c.t);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        JobOptions back = (JobOptions) new ObjectInputStream(new ByteArrayInputStream(b.toByteArray())).readObject();
        assertEquals(Crop.ENTROPY, back.spec().crop());
        assertEquals(Crop.ENTROPY, back.withFormat("png").withMetadata(true, true).spec().crop(), "withers keep the crop");
        assertEquals(Crop.CENTRE, JobOptions.defaults().spec().crop());
        assertEquals(Crop.ATTENTION, JobOptions.defaults().withCrop("attention").spec().crop());
        JobOptions d = JobOptions.defaults();
        assertEquals(Crop.CENTRE, new JobOptions(d.sizes(), d.fit(), d.filter(), d.format(), d.quality(), d.upscale(), d.autoRotate(),
                d.background(), d.maxPixels(), d.lenient(), d.overwrite(), d.backend(), d.workers(), d.device(), false, "auto", false,
                false, false).spec().crop(), "the constructor without a crop is centre");
        assertThrows(IllegalArgumentException.class, () -> JobOptions.defaults().withCrop("smart"));
        assertEquals(List.of("256"), back.sizes());
    }
}
