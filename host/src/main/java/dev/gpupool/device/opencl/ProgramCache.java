package dev.gpupool.device.opencl;

import dev.gpupool.job.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Program binaries on disk, one file per (device name, driver version, platform version, device
 * version, source, build options). Every failure is swallowed: an unreadable, unwritable or missing
 * directory just means building from source. Public for {@code dev.gpupool.kernel}, which caches
 * user kernels' programs the same way.
 */
public final class ProgramCache {
    private final Path dir;

    public ProgramCache(Path dir) {
        this.dir = dir;
    }

    /** {@code $XDG_CACHE_HOME/gpupool/opencl}, else {@code ~/.cache/gpupool/opencl}, else a temp folder. */
    public static Path defaultDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home", "."), ".cache");
        Path dir = base.resolve("gpupool").resolve("opencl");
        if (usable(dir)) return dir;
        return Path.of(System.getProperty("java.io.tmpdir")).resolve("gpupool-" + System.getProperty("user.name", "user")).resolve("opencl");
    }

    private static boolean usable(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir);
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false;
        }
    }

    public Path dir() {
        return dir;
    }

    /** The file holding the binary for this key, named {@code <prefix>-<device>-<hash>.bin}. */
    public Path fileFor(String prefix, OpenClDevice device, String source, String options) {
        String key = device.name() + "\n" + device.driverVersion() + "\n" + device.platformVersion() + "\n"
                + device.version() + "\n" + options + "\n" + source;
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String safe = device.name().replaceAll("[^A-Za-z0-9_.-]+", "_");
        if (safe.length() > 40) safe = safe.substring(0, 40);
        return dir.resolve(prefix.replaceAll("[^A-Za-z0-9_.-]+", "_") + "-" + safe + "-" + hash.substring(0, 32) + ".bin");
    }

    public Optional<byte[]> read(Path file) {
        try {
            if (!Files.isRegularFile(file)) return Optional.empty();
            byte[] b = Files.readAllBytes(file);
            return b.length == 0 ? Optional.empty() : Optional.of(b);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Writes atomically ({@link AtomicFiles#write}: temp file, then rename); returns false on any failure. */
    public boolean write(Path file, byte[] binary) {
        try {
            AtomicFiles.write(file, binary);
            return true;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false;
        }
    }

    public void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException | SecurityException e) {
            // nothing to do: the next write replaces it
        }
    }
}
