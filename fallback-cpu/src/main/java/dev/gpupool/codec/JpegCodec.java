package dev.gpupool.codec;

import dev.gpupool.image.BufferedImages;
import dev.gpupool.image.PixelBuffer;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;

/** JPEG through libjpeg-turbo (shrink-on-load), with ImageIO as the encoder fallback. */
final class JpegCodec {
    private JpegCodec() {
    }

    static Decoded decode(byte[] bytes, DecodeOptions o, List<String> warnings) throws IOException {
        TurboJpeg tj = TurboJpeg.INSTANCE;
        TurboJpeg.Header hd;
        Metadata meta = Metadata.jpeg(bytes);
        try {
            hd = tj.header(bytes);
        } catch (ImageDecodeException e) {
            // JPEG flavours libjpeg-turbo 2.x does not read (lossless, 12-bit) may still be read by
            // TwelveMonkeys; if that fails too, the turbo reason is the one reported.
            try {
                return Codecs.readImageIO(bytes, "jpeg", o, meta, warnings);
            } catch (IOException | RuntimeException ignored) {
                throw e;
            }
        }
        Codecs.checkPixels(hd.width(), hd.height(), o);
        int orientation = o.autoRotate() ? meta.orientation() : 1;
        boolean t = Orientation.transposes(orientation);
        int[] min = t ? o.minimumFor(hd.height(), hd.width()) : o.minimumFor(hd.width(), hd.height()); // upright
        int[] f = tj.scaleFor(hd.width(), hd.height(), t ? min[1] : min[0], t ? min[0] : min[1]);
        int w = TurboJpeg.scaled(hd.width(), f), h = TurboJpeg.scaled(hd.height(), f);
        long pixels = (long) w * h;
        boolean cmyk = hd.colorspace() == TurboJpeg.TJCS_CMYK || hd.colorspace() == TurboJpeg.TJCS_YCCK;
        int ch = hd.colorspace() == TurboJpeg.TJCS_GRAY ? 1 : cmyk ? 4 : 3;
        // The decoded samples, a converted copy (CMYK or ICC to sRGB), a rotated copy.
        MemoryBudget.reserve(bytes.length + pixels * ch + (cmyk || meta.icc() != null ? pixels * 3 : 0)
                + (orientation != 1 ? pixels * Math.max(ch, 3) : 0), w + "x" + h + " jpeg");
        // At 1/8 a progressive JPEG's full-resolution AC scans are never read: leave them out.
        byte[] scans = f[0] * 8 == f[1] ? ScanPruner.forEighthScale(bytes) : null;
        if (scans == null) scans = bytes;
        PixelBuffer px;
        TurboJpeg.Result r;
        switch (hd.colorspace()) {
            case TurboJpeg.TJCS_GRAY -> {
                r = tj.decompress(scans, w, h, TurboJpeg.TJPF_GRAY, 1, o.lenient());
                px = new PixelBuffer(w, h, 1, r.pixels());
            }
            case TurboJpeg.TJCS_CMYK, TurboJpeg.TJCS_YCCK -> {
                r = tj.decompress(scans, w, h, TurboJpeg.TJPF_CMYK, 4, o.lenient());
                px = ColorProfiles.cmykToRgb(r.pixels(), w, h, meta.adobe(), meta.icc(), warnings);
            }
            default -> {
                r = tj.decompress(scans, w, h, TurboJpeg.TJPF_RGB, 3, o.lenient());
                px = new PixelBuffer(w, h, 3, r.pixels());
                if (!o.keepIcc()) px = ColorProfiles.toSrgb(px, meta.icc(), warnings);
            }
        }
        if (r.warning() != null) warnings.add("kept what decoded: " + r.warning());
        px = Orientation.apply(px, orientation);
        return new Decoded(px, t ? hd.height() : hd.width(), t ? hd.width() : hd.height(), "jpeg", List.copyOf(warnings));
    }

    static byte[] encode(PixelBuffer px, EncodeOptions o) throws IOException {
        px = flatten(px, o.background());
        TurboJpeg tj = TurboJpeg.INSTANCE;
        boolean grey = px.channels() == 1;
        if (tj.available) {
            int samp = grey ? TurboJpeg.TJSAMP_GRAY : switch (o.subsample().at(o.quality())) {
                case S444 -> TurboJpeg.TJSAMP_444;
                case S422 -> TurboJpeg.TJSAMP_422;
                default -> TurboJpeg.TJSAMP_420;
            };
            int flags = TurboJpeg.TJFLAG_ACCURATEDCT | (o.progressive() ? TurboJpeg.TJFLAG_PROGRESSIVE : 0);
            return tj.compress(px.data(), px.width(), px.height(), grey ? TurboJpeg.TJPF_GRAY : TurboJpeg.TJPF_RGB,
                    px.channels(), samp, o.quality(), flags);
        }
        return encodeImageIO(px, o);
    }

    /** The encoder fallback when libturbojpeg is missing: ImageIO's JPEG writer, same options, {@code px} without alpha. */
    static byte[] encodeImageIO(PixelBuffer px, EncodeOptions o) throws IOException {
        boolean grey = px.channels() == 1;
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) throw new IOException("no JPEG encoder on this build");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(o.quality() / 100f);
            if (o.progressive()) p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            java.awt.image.BufferedImage img = BufferedImages.toImage(px);
            IIOMetadata meta = grey ? null : sampling(writer, img, p, o.subsample().lumaFactors(o.quality()));
            writer.write(null, new IIOImage(img, null, meta), p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * The ImageIO writer's default metadata with the luma component's sampling factors set to {@code luma}
     * (chroma stays 1x1): the JDK writer takes chroma subsampling from the SOF node of its metadata tree.
     * Null (the writer's default, 4:2:0) where the tree is not the JDK's.
     */
    private static IIOMetadata sampling(ImageWriter writer, java.awt.image.BufferedImage img, ImageWriteParam p, int[] luma) {
        try {
            IIOMetadata meta = writer.getDefaultImageMetadata(javax.imageio.ImageTypeSpecifier.createFromRenderedImage(img), p);
            String f = "javax_imageio_jpeg_image_1.0";
            org.w3c.dom.Node tree = meta.getAsTree(f);
            org.w3c.dom.NodeList comps = ((org.w3c.dom.Element) tree).getElementsByTagName("componentSpec");
            if (comps.getLength() != 3) return null;
            org.w3c.dom.Element y = (org.w3c.dom.Element) comps.item(0);
            y.setAttribute("HsamplingFactor", Integer.toString(luma[0]));
            y.setAttribute("VsamplingFactor", Integer.toString(luma[1]));
            for (int i = 1; i < 3; i++) {
                ((org.w3c.dom.Element) comps.item(i)).setAttribute("HsamplingFactor", "1");
                ((org.w3c.dom.Element) comps.item(i)).setAttribute("VsamplingFactor", "1");
            }
            meta.setFromTree(f, tree);
            return meta;
        } catch (javax.imageio.metadata.IIOInvalidTreeException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code px} without alpha: each sample becomes {@code (c * a + bg * (255 - a)) / 255}, rounded.
     * Grey with alpha stays grey when the background is grey, else becomes RGB.
     */
    static PixelBuffer flatten(PixelBuffer px, int background) {
        if (!px.hasAlpha()) return px;
        int br = background >> 16 & 0xFF, bg = background >> 8 & 0xFF, bb = background & 0xFF;
        int n = (int) px.pixels(), ch = px.channels();
        byte[] s = px.data();
        boolean greyOut = ch == 2 && br == bg && bg == bb;
        int oc = greyOut ? 1 : 3;
        byte[] d = new byte[n * oc];
        for (int i = 0, si = 0, o = 0; i < n; i++, si += ch, o += oc) {
            int a = s[si + ch - 1] & 0xFF, na = 255 - a;
            int r = s[si] & 0xFF;
            int g = ch == 2 ? r : s[si + 1] & 0xFF, b = ch == 2 ? r : s[si + 2] & 0xFF;
            if (greyOut) {
                d[o] = (byte) ((r * a + br * na + 127) / 255);
            } else {
                d[o] = (byte) ((r * a + br * na + 127) / 255);
                d[o + 1] = (byte) ((g * a + bg * na + 127) / 255);
                d[o + 2] = (byte) ((b * a + bb * na + 127) / 255);
            }
        }
        return new PixelBuffer(px.width(), px.height(), oc, d);
    }
}
