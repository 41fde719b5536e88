package org.trainbench.engine.cuda;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Compiled kernels kept on disk, so that a start-up loads PTX instead of running NVRTC again. An entry is
 * {@code <directory>/<name>-<key>.ptx}, the key a SHA-256 over the source, the compiler options (the GPU
 * architecture among them) and the compiler's version: any change to one of them is a new entry.
 *
 * <p>The directory is the system property {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT},
 * else {@code $XDG_CACHE_HOME/trainbench/kernels}, else {@code ~/.cache/trainbench/kernels}; the value {@code off} (in
 * the property or the variable) disables the cache. Deleting the directory clears it.
 *
 * <p>The cache never fails a run: an entry that cannot be read, is empty or does not match its own checksum is
 * compiled again and rewritten; a directory that cannot be written is reported once on stderr and the kernels are
 * compiled every time. Entries are written to a temporary file and moved into place atomically, so two processes
 * filling the same entry, or a crash mid-write, never leave half a file under the entry's name.
 */
public final class KernelCache {
    public static final String PROPERTY = "trainbench.kernel.cache";
    public static final String ENVIRONMENT = "TRAINBENCH_KERNEL_CACHE";
    /** The value of {@link #PROPERTY} or {@link #ENVIRONMENT} that disables the cache. */
    public static final String OFF = "off";

    /** The first line of an entry; the checksum after it covers the PTX that follows the line. */
    private static final String HEADER = "// trainbench kernel cache, sha-256 of the ptx below: ";

    /** Source, file name (for messages) and options to PTX: NVRTC, or a stand-in in tests. */
    @FunctionalInterface
    public interface Compiler {
        byte[] compile(String source, String fileName, List<String> options);
    }

    private final Path directory;
    private final String compilerVersion;
    private final Compiler compiler;
    private final PrintStream warnings;
    private boolean warned;

    /**
     * @param directory       where entries live, or null for no cache (every call compiles)
     * @param compilerVersion part of every key, so that a new compiler does not reuse an old one's PTX
     * @param warnings        where the one message about an unwritable directory goes
     */
    public KernelCache(Path directory, String compilerVersion, Compiler compiler, PrintStream warnings) {
        this.directory = directory;
        this.compilerVersion = compilerVersion;
        this.compiler = compiler;
        this.warnings = warnings;
    }

    /** The directory from this process's properties and environment, empty when the cache is off. */
    public static Optional<Path> configuredDirectory() {
        return directory(System::getProperty, System::getenv, System.getProperty("user.home"));
    }

    /** The directory as {@link KernelCache} documents it, from the given property and environment lookups. */
    static Optional<Path> directory(Function<String, String> properties, Function<String, String> environment, String userHome) {
        String configured = nonBlank(properties.apply(PROPERTY));
        if (configured == null) {
            configured = nonBlank(environment.apply(ENVIRONMENT));
        }
        if (configured != null) {
            return configured.equalsIgnoreCase(OFF) ? Optional.empty() : Optional.of(Path.of(configured));
        }
        String xdg = nonBlank(environment.apply("XDG_CACHE_HOME"));
        // The XDG specification ignores a relative XDG_CACHE_HOME.
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            return Optional.of(Path.of(xdg, "trainbench", "kernels"));
        }
        return Optional.of(Path.of(userHome, ".cache", "trainbench", "kernels"));
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** The entry's key: SHA-256 over source, options and compiler version, each length-prefixed. */
    static String key(String source, List<String> options, String compilerVersion) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            update(sha, source);
            sha.update(intBytes(options.size()));
            for (String option : options) {
                update(sha, option);
            }
            update(sha, compilerVersion);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    private static void update(MessageDigest sha, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sha.update(intBytes(bytes.length));
        sha.update(bytes);
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** The file an entry of {@code fileName} (e.g. {@code llama_kernels.cu}) with this key lives in. */
    Path entry(String fileName, String key) {
        String stem = fileName.endsWith(".cu") ? fileName.substring(0, fileName.length() - 3) : fileName;
        return directory.resolve(stem.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + key + ".ptx");
    }

    /** The PTX of {@code source}: from the cache when a valid entry exists, else compiled and stored. */
    public byte[] compileCached(String source, String fileName, List<String> options) {
        if (directory == null) {
            return compiler.compile(source, fileName, options);
        }
        Path entry = entry(fileName, key(source, options, compilerVersion));
        byte[] cached = read(entry);
        if (cached != null) {
            return cached;
        }
        byte[] ptx = compiler.compile(source, fileName, options);
        write(entry, ptx);
        return ptx;
    }

    /** The entry's PTX, or null when it is missing, unreadable, empty or fails its checksum. */
    private static byte[] read(Path entry) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(entry);
        } catch (IOException | SecurityException e) {
            return null;
        }
        byte[] header = HEADER.getBytes(StandardCharsets.US_ASCII);
        int headerEnd = header.length + 64;
        if (bytes.length <= headerEnd + 1 || !Arrays.equals(bytes, 0, header.length, header, 0, header.length)
                || bytes[headerEnd] != '\n') {
            return null;
        }
        String expected = new String(bytes, header.length, 64, StandardCharsets.US_ASCII);
        byte[] ptx = Arrays.copyOfRange(bytes, headerEnd + 1, bytes.length);
        return expected.equals(sha256(ptx)) ? ptx : null;
    }

    private void write(Path entry, byte[] ptx) {
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = Files.createTempFile(directory, entry.getFileName().toString(), ".tmp");
            byte[] header = (HEADER + sha256(ptx) + "\n").getBytes(StandardCharsets.US_ASCII);
            byte[] content = Arrays.copyOf(header, header.length + ptx.length);
            System.arraycopy(ptx, 0, content, header.length, ptx.length);
            Files.write(temporary, content);
            try {
                Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, entry, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
        } catch (IOException | SecurityException e) {
            warnOnce(e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException | SecurityException ignored) {
                    // the entry was not written; a stray temporary file is harmless
                }
            }
        }
    }

    private synchronized void warnOnce(Exception e) {
        if (!warned) {
            warned = true;
            warnings.println("trainbench: cannot write the kernel cache in " + directory + " (" + e
                    + "); kernels are compiled at every start. Set -D" + PROPERTY + "=DIR or " + ENVIRONMENT
                    + "=DIR to a writable directory, or " + OFF + " to disable the cache.");
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
