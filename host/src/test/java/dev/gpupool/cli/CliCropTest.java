package dev.gpupool.cli;

import dev.gpupool.codec.Codecs;
import dev.gpupool.codec.EncodeOptions;
import dev.gpupool.codec.OutputFormat;
import dev.gpupool.image.Crop;
import dev.gpupool.image.PixelBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.gpupool.cli.CliRun.gpupool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --crop} from the command line to the written pixels, in-process threads, worker processes (the spec as bytes) and
 * an OpenCL device (its plans come from the same ThumbnailJob.plan). */
class CliCropTest {
    @TempDir
    Path tmp;

    static final int[] SKIN = {224, 172, 140};

    /** 800x200 flat grey, a textured skin-toned disc of radius 60 at (100, 100), as PNG. */
    static byte[] wide() throws Exception {
        int w = 800, h = 200;
        byte[] d = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean in = (x - 100) * (x - 100) + (y - 100) * (y - 100) <= 3600;
                int dark = in && ((x / 4 + y / 4) % 2 == 0) ? 40 : 0;
                for (int c = 0; c < 3; c++) d[(y * w + x) * 3 + c] = (byte) (in ? SKIN[c] - dark : 128);
            }
        }
        return Codecs.encode(new PixelBuffer(w, h, 3, d), new EncodeOptions(OutputFormat.PNG, 85, 0xFFFFFF));
    }

    static boolean hasSkin(Path png) throws Exception {
        BufferedImage img = ImageIO.read(png.toFile());
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                if (Math.abs((rgb >> 16 & 255) - SKIN[0]) <= 12 && Math.abs((rgb >> 8 & 255) - SKIN[1]) <= 12
                        && Math.abs((rgb & 255) - SKIN[2]) <= 12) return true;
            }
        }
        return false;
    }

    @Test
    void coverKeepsTheSubjectWithSmartCrops() throws Exception {
        Path in = tmp.resolve("in.png");
        Files.write(in, wide());
        CliRun r = gpupool("thumbnails", in.toString(), "-o", tmp.resolve("centre_%s.png").toString(), "--backend", "cpu-threads",
                "-s", "100", "--fit", "cover");
        assertEquals(0, r.status(), r.err());
        assertTrue(!hasSkin(tmp.resolve("centre_in.png")), "the default centre crop misses the subject");
        for (String backend : new String[]{"cpu-threads", "cpu", "opencl"}) {
            for (String crop : new String[]{"entropy", "attention"}) {
                String name = backend + "_" + crop;
                r = gpupool("thumbnails", in.toString(), "-o", tmp.resolve(name + "_%s.png").toString(), "--backend", backend, "-j", "1",
                        "-s", "100", "--fit", "cover", "--crop", crop);
                if (backend.equals("opencl") && r.status() == 3 && System.getenv("CI") == null) continue; // no OpenCL here
                assertEquals(0, r.status(), name + ": " + r.err());
                Path out = tmp.resolve(name + "_in.png");
                BufferedImage img = ImageIO.read(out.toFile());
                assertEquals(100, img.getWidth());
                assertEquals(100, img.getHeight());
                assertTrue(hasSkin(out), name + ": the subject is in the thumbnail");
            }
        }
    }

    @Test
    void anUnknownCropIsAUsageErrorAndHelpShowsTheOption() {
        CliRun r = gpupool("thumbnails", "x.jpg", "-o", tmp.toString(), "--crop", "smart");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("unknown crop 'smart'"), r.err());
        r = gpupool("thumbnails", "--help");
        assertTrue((r.out() + r.err()).contains("--crop"), "help lists --crop");
        assertTrue((r.out() + r.err()).contains("--crop attention"), "help has an example");
    }

    @Test
    void optionsCarryTheCropToTheSpec() {
        ThumbnailOptions o = new ThumbnailOptions();
        assertEquals(Crop.CENTRE, o.spec().crop());
        o.crop = "attention";
        assertEquals(Crop.ATTENTION, o.spec().crop());
    }
}
