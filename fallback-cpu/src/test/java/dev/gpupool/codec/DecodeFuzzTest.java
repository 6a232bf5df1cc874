package dev.gpupool.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gpupool.image.Filter;
import dev.gpupool.image.Fit;
import dev.gpupool.image.PixelBuffer;
import dev.gpupool.image.Resampler;
import dev.gpupool.job.BoxSize;
import dev.gpupool.job.ResizePlan;
import dev.gpupool.job.ThumbnailJob;
import dev.gpupool.job.ThumbnailSpec;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes decode-and-resize, the path every untrusted byte of a batch goes through: whatever the
 * bytes, the outcome is a thumbnail of the planned size or an {@link ImageDecodeException} with a
 * reason; any other exception, an error or a native crash is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} (a plain {@code mvn test}) this replays the seeds in
 * {@code src/test/resources/dev/gpupool/codec/DecodeFuzzTestInputs/decodeAndResize/} (tiny images of
 * every format) and any finding saved there. In CI ({@code CI=true}, see fallback-cpu's POM) it fuzzes
 * for {@code maxDuration}. Longer on demand, e.g. for 30 minutes:
 * <pre>
 * CI=true mvn -B -pl fallback-cpu test -Dtest=DecodeFuzzTest -Djazzer.max_duration=30m
 * </pre>
 * ({@code CI=true} turns on the POM's fuzzing profile: {@code JAZZER_FUZZ=1} and coverage of the
 * TwelveMonkeys readers; {@code JAZZER_FUZZ=1} alone fuzzes with coverage of our classes only.)
 * A finding is written beside the seeds as {@code crash-<sha1>}; fix it and keep the file as a
 * regression input.
 */
class DecodeFuzzTest {
    /** Small enough that every iteration is quick; the limit itself is part of what is fuzzed. */
    private static final long MAX_PIXELS = 1 << 22;

    @FuzzTest(maxDuration = "60s")
    void decodeAndResize(FuzzedDataProvider data) throws Exception {
        boolean lenient = data.consumeBoolean();
        boolean rotate = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        ThumbnailSpec spec = new ThumbnailSpec(List.of(new BoxSize(32, 32), new BoxSize(48, 20)), Fit.COVER,
                Filter.LANCZOS3, OutputFormat.JPEG, 80, false, rotate, 0xFFFFFF, MAX_PIXELS, lenient);
        Decoded decoded;
        try {
            decoded = ThumbnailJob.decode(bytes, spec);
        } catch (ImageDecodeException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank(), "a failure needs a reason");
            return;
        }
        PixelBuffer px = decoded.pixels();
        assertTrue(px.width() > 0 && px.height() > 0 && (long) decoded.fullWidth() * decoded.fullHeight() <= MAX_PIXELS,
                "decoded " + px.width() + "x" + px.height() + " of " + decoded.fullWidth() + "x" + decoded.fullHeight());
        for (ResizePlan plan : ThumbnailJob.plan(decoded, spec)) {
            PixelBuffer out = Resampler.resize(px, plan.x(), plan.y());
            assertEquals(plan.fit().outWidth(), out.width());
            assertEquals(plan.fit().outHeight(), out.height());
            assertEquals(px.channels(), out.channels());
        }
    }
}
