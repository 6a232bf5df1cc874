package dev.gpupool.codec;

import dev.gpupool.image.PixelBuffer;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.ColorConvertOp;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Converting decoded samples to sRGB: embedded RGB ICC profiles (Adobe RGB, Display P3, ...) through
 * the JDK's colour management (LittleCMS), and CMYK/YCCK samples to RGB (through the embedded CMYK
 * profile when there is one, else the plain complement formula). Profiles that are sRGB are
 * recognised from their header and description without parsing the whole profile, and skipped.
 */
final class ColorProfiles {
    private ColorProfiles() {
    }

    private static final Map<Integer, ICC_ColorSpace> CACHE = new ConcurrentHashMap<>();

    /** The profile's colour space signature (bytes 16..19), e.g. {@code "RGB "}, {@code "CMYK"}, {@code "GRAY"}; null if too short. */
    static String colorSpace(byte[] icc) {
        return icc == null || icc.length < 128 ? null : new String(icc, 16, 4, StandardCharsets.ISO_8859_1);
    }

    /**
     * True when the profile describes itself as sRGB (its 'desc' tag names sRGB and not linear sRGB),
     * or is no usable profile at all. A name check, not a colorimetric one: it costs a few hundred
     * nanoseconds, so the common camera/phone sRGB profile never reaches the colour converter.
     */
    static boolean isSrgbOrUnusable(byte[] icc) {
        if (icc == null || icc.length < 132) return true;
        int n = (int) Math.min(Metadata.u32be(icc, 128), 1000);
        for (int i = 0; i < n; i++) {
            int e = 132 + 12 * i;
            if (e + 12 > icc.length) return true;
            if (Metadata.startsWith(icc, e, e + 4, "desc")) {
                long off = Metadata.u32be(icc, e + 4), len = Metadata.u32be(icc, e + 8);
                if (off + len > icc.length || len > 4096) return true;
                StringBuilder s = new StringBuilder();
                for (int k = (int) off; k < off + len; k++) if (icc[k] >= 32 && icc[k] < 127) s.append((char) icc[k]);
                String d = s.toString();
                // "sRGB IEC61966-2.1", "sRGB built-in", "sRGB v4 ..." - but not "linear sRGB" or "scRGB".
                return d.contains("sRGB") && !d.toLowerCase(java.util.Locale.ROOT).contains("linear");
            }
        }
        return false;
    }

    private static ICC_ColorSpace space(byte[] icc) {
        int key = Arrays.hashCode(icc) * 31 + icc.length;
        ICC_ColorSpace cs = CACHE.get(key);
        if (cs == null) {
            cs = new ICC_ColorSpace(ICC_Profile.getInstance(icc));
            if (CACHE.size() > 32) CACHE.clear();
            CACHE.put(key, cs);
        }
        return cs;
    }

    /**
     * {@code px} converted from the RGB profile {@code icc} to sRGB; {@code px} itself when the profile
     * is sRGB, not RGB, or not readable (then {@code warnings} gets a line). Alpha is kept as is.
     */
    static PixelBuffer toSrgb(PixelBuffer px, byte[] icc, java.util.List<String> warnings) {
        if (icc == null || px.channels() < 3 || !"RGB ".equals(colorSpace(icc)) || isSrgbOrUnusable(icc)) return px;
        ICC_ColorSpace cs;
        try {
            cs = space(icc);
        } catch (RuntimeException e) {
            warnings.add("embedded ICC profile ignored: " + e.getMessage());
            return px;
        }
        int w = px.width(), h = px.height(), ch = px.channels();
        byte[] src = px.data();
        byte[] dst = ch == 4 ? src.clone() : new byte[src.length];
        int[] bands = {0, 1, 2};
        Raster in = Raster.createInterleavedRaster(new DataBufferByte(src, src.length), w, h, w * ch, ch, bands, null);
        WritableRaster out = Raster.createInterleavedRaster(new DataBufferByte(dst, dst.length), w, h, w * ch, ch, bands, null);
        new ColorConvertOp(cs, ColorSpace.getInstance(ColorSpace.CS_sRGB), null).filter(in, out);
        return new PixelBuffer(w, h, ch, dst);
    }

    /**
     * CMYK samples (4 per pixel, as the JPEG stores them) to sRGB RGB. {@code inverted}: the samples are
     * stored inverted (Adobe APP14 marker, as Photoshop writes every CMYK/YCCK JPEG). With a CMYK ICC
     * profile the conversion goes through it, else R = (255-C)(255-K)/255 and likewise G, B.
     */
    static PixelBuffer cmykToRgb(byte[] cmyk, int w, int h, boolean inverted, byte[] icc, java.util.List<String> warnings) {
        int n = w * h;
        if (inverted) for (int i = 0; i < cmyk.length; i++) cmyk[i] = (byte) ~cmyk[i];
        if (icc != null && "CMYK".equals(colorSpace(icc))) {
            try {
                ICC_ColorSpace cs = space(icc);
                byte[] rgb = new byte[n * 3];
                Raster in = Raster.createInterleavedRaster(new DataBufferByte(cmyk, cmyk.length), w, h, w * 4, 4, new int[]{0, 1, 2, 3}, null);
                WritableRaster out = Raster.createInterleavedRaster(new DataBufferByte(rgb, rgb.length), w, h, w * 3, 3, new int[]{0, 1, 2}, null);
                new ColorConvertOp(cs, ColorSpace.getInstance(ColorSpace.CS_sRGB), null).filter(in, out);
                return new PixelBuffer(w, h, 3, rgb);
            } catch (RuntimeException e) {
                warnings.add("embedded CMYK ICC profile ignored: " + e.getMessage());
            }
        }
        byte[] rgb = new byte[n * 3];
        for (int i = 0, o = 0; i < cmyk.length; i += 4, o += 3) {
            int k = 255 - (cmyk[i + 3] & 0xFF);
            rgb[o] = (byte) (((255 - (cmyk[i] & 0xFF)) * k + 127) / 255);
            rgb[o + 1] = (byte) (((255 - (cmyk[i + 1] & 0xFF)) * k + 127) / 255);
            rgb[o + 2] = (byte) (((255 - (cmyk[i + 2] & 0xFF)) * k + 127) / 255);
        }
        return new PixelBuffer(w, h, 3, rgb);
    }
}
