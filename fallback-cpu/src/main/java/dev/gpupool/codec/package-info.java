/**
 * Reading and writing image files: {@link dev.gpupool.codec.Codecs} recognises JPEG, PNG, GIF, BMP,
 * WebP and TIFF by their content and decodes them into an upright, 8-bit sRGB
 * {@link dev.gpupool.image.PixelBuffer} (EXIF orientation applied, embedded ICC profiles and
 * CMYK/YCCK converted to sRGB), JPEG through libjpeg-turbo bound with {@code java.lang.foreign} and
 * shrunk on load in the DCT domain (at 1/8, a progressive file's scans the decode never reads are
 * left out, {@code ScanPruner}), the rest through ImageIO (with ImageIO as the JPEG fallback when
 * {@code libturbojpeg} is missing); decoding is strict unless asked to be lenient, and refuses
 * oversized images from their header; it encodes pixels into fresh JPEG (libjpeg-turbo), PNG
 * (ImageIO), WebP (libwebp) or AVIF (libavif) files, the native ones through {@code java.lang.foreign},
 * with the source's metadata only when asked ({@code MetadataWriter} splices it into JPEG, PNG and
 * WebP; libavif's encoder writes it into AVIF), and
 * {@link dev.gpupool.codec.Codecs#describe()} says which implementation is in use and why.
 */
package dev.gpupool.codec;
