package dev.gpupool.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BoxSizeTest {
    @Test
    void parsesEveryFormAndWritesItBack() {
        assertEquals(new BoxSize(256, 256), BoxSize.parse("256"));
        assertEquals(new BoxSize(320, 240), BoxSize.parse("320x240"));
        assertEquals(new BoxSize(256, 0), BoxSize.parse("256x"));
        assertEquals(new BoxSize(0, 256), BoxSize.parse("x256"));
        assertEquals(new BoxSize(0, 256), BoxSize.parse(" X256 "));
        for (String s : new String[]{"256", "320x240", "256x", "x256"}) {
            assertEquals(s, BoxSize.parse(s).toString());
        }
        assertEquals("256", BoxSize.parse("256x256").toString());
    }

    @Test
    void refusesWhatIsNotASize() {
        for (String s : new String[]{"x", "", "0", "0x256", "256x0", "-1x", "x-5", "+5x", "256xx", "65536x", "1x2x3", "abc"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BoxSize.parse(s), s);
            assertEquals(true, e.getMessage().contains("256x or x256"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new BoxSize(0, 0));
    }
}
