package dev.gpupool.thumbnail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code @FILE} lists as {@link InputScanner} reads them: one input a line, and bounded. */
class InputListTest {
    @TempDir
    Path tmp;

    @Test
    void aListLargerThanTheBoundFailsAsOneInput() throws Exception {
        Path list = tmp.resolve("list.txt");
        Files.writeString(list, "a\n".repeat(1000));
        List<Input> out = new ArrayList<>();
        new InputScanner(tmp.resolve("out"), System.in).readList("@" + list, out, 1000, 100);
        assertEquals(1, out.size(), "nothing of it is taken");
        assertEquals("cannot read the input list: larger than 1000 bytes", out.getFirst().error());
    }

    @Test
    void linesKeepTheirSpacesAndStandardInputIsReadOnce() throws Exception {
        Path f = Files.writeString(tmp.resolve("a b.jpg"), "x");
        List<Input> found = new InputScanner(tmp.resolve("out"), new ByteArrayInputStream((f + "\r\n# note\n\n").getBytes(StandardCharsets.UTF_8)))
                .scan(List.of("@-", "-"));
        assertEquals(2, found.size());
        assertEquals(f, found.get(0).file(), "the name with a space, and the CR dropped");
        assertEquals("cannot read standard input: standard input was already read for @-", found.get(1).error());
    }

    @Test
    void standardInputIsNamedByWhatItHolds() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};
        Input in = new InputScanner(null, new ByteArrayInputStream(png)).scan(List.of("-")).getFirst();
        assertEquals("-", in.given());
        assertEquals("stdin.png", in.relative());
        assertArrayEquals(png, in.bytes());
        Input text = new InputScanner(null, new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8))).scan(List.of("-")).getFirst();
        assertEquals("stdin", text.relative(), "not an image: no extension (the decoder will say why it fails)");
    }

    @Test
    void templateNames() {
        var sizes = List.of(new dev.gpupool.job.BoxSize(64, 64), new dev.gpupool.job.BoxSize(320, 240));
        OutputNames n = OutputNames.template("/t/x/tn_%s.jpg", sizes, null);
        assertEquals(Path.of("/t/x"), n.root());
        assertEquals(List.of("sub/tn_b_64.jpg", "sub/tn_b_320x240.jpg"), n.outputsFor("sub/b.png", "/in/sub/b.png", s -> s));
        String tag = OutputNames.tag("/in/sub/b.gif");
        assertEquals(List.of("sub/tn_b~" + tag + "_64.jpg", "sub/tn_b~" + tag + "_320x240.jpg"), n.outputsFor("sub/b.gif", "/in/sub/b.gif", s -> s),
                "unique, by the input's own identity");
        OutputNames d = OutputNames.template("/t/{size}/{name}", sizes, dev.gpupool.codec.OutputFormat.WEBP);
        assertEquals(Path.of("/t"), d.root());
        assertEquals(List.of("64/a.webp", "320x240/a.webp"), d.outputsFor("a.jpg", "/in/a.jpg", s -> s));
        assertEquals(List.of("64/{size}.webp", "320x240/{size}.webp"), d.outputsFor("{size}.jpg", "/in/{size}.jpg", s -> s),
                "a placeholder in an input's name is not expanded");
        OutputNames up = OutputNames.template("../{name}.{ext}", List.of(new dev.gpupool.job.BoxSize(8, 8)), dev.gpupool.codec.OutputFormat.PNG);
        assertEquals(Path.of("..").toAbsolutePath().normalize(), up.root(), "the template's own directories are the user's");
        assertEquals(List.of("x.png"), up.outputsFor("../../x.jpg", "/x.jpg", s -> s), "an input's .. is confined under the root");
        assertEquals(dev.gpupool.codec.OutputFormat.PNG, OutputNames.templateFormat("a/%s.PNG"));
        assertNull(OutputNames.templateFormat("a/%s.{ext}"));
        assertNull(OutputNames.templateFormat("thumbs"));
    }
}
