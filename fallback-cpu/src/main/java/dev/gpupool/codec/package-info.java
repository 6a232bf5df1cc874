/**
 * Reading and writing image files: {@link dev.gpupool.codec.Codecs} decodes bytes into a
 * {@link dev.gpupool.image.PixelBuffer} (orientation applied, colour converted to sRGB, shrunk on
 * load where the format allows) and encodes pixels into JPEG, PNG or WebP bytes.
 */
package dev.gpupool.codec;
