package org.trainbench.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kernel cache's hits, misses and fallbacks, with a stand-in compiler that counts its calls (no GPU, no NVRTC). */
class KernelCacheTest {
    private static final List<String> OPTIONS = List.of("--gpu-architecture=compute_90", "--std=c++17");
    private static final String SOURCE = "extern \"C\" __global__ void k() {}";

    private Path root;
    private final List<String> compiled = new ArrayList<>();
    private final ByteArrayOutputStream warnings = new ByteArrayOutputStream();

    @BeforeEach
    void createRoot() throws IOException {
        root = Files.createTempDirectory("kernel-cache-test");
    }

    @AfterEach
    void deleteRoot() throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** "PTX" that names what it was compiled from, so a wrong entry shows as a wrong value. */
    private byte[] compile(String source, String fileName, List<String> options) {
        compiled.add(fileName);
        return ("// ptx of " + fileName + " " + options + "\n" + source).getBytes(StandardCharsets.UTF_8);
    }

    private KernelCache cache(Path directory, String version) {
        return new KernelCache(directory, version, this::compile, new PrintStream(warnings, true, StandardCharsets.UTF_8));
    }

    private List<Path> entries(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }

    @Test
    void aSecondProcessTakesThePtxFromDiskWithoutCompiling() throws IOException {
        Path dir = root.resolve("kernels");
        byte[] first = cache(dir, "13.0").compileCached(SOURCE, "llama_kernels.cu", OPTIONS);
        byte[] second = cache(dir, "13.0").compileCached(SOURCE, "llama_kernels.cu", OPTIONS);
        assertArrayEquals(compile(SOURCE, "llama_kernels.cu", OPTIONS), first);
        assertArrayEquals(first, second);
        assertEquals(List.of("llama_kernels.cu", "llama_kernels.cu"), compiled, "one compile by the cache, one by this test");
        List<Path> entries = entries(dir);
        assertEquals(1, entries.size(), entries::toString);
        String name = entries.get(0).getFileName().toString();
        assertEquals("llama_kernels-" + KernelCache.key(SOURCE, OPTIONS, "13.0") + ".ptx", name);
        assertEquals("", warnings.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aChangedSourceOptionOrCompilerVersionIsANewEntry() throws IOException {
        String key = KernelCache.key(SOURCE, OPTIONS, "13.0");
        assertEquals(64, key.length());
        assertNotEquals(key, KernelCache.key(SOURCE + " ", OPTIONS, "13.0"));
        assertNotEquals(key, KernelCache.key(SOURCE, List.of("--gpu-architecture=compute_100", "--std=c++17"), "13.0"));
        assertNotEquals(key, KernelCache.key(SOURCE, List.of("--gpu-architecture=compute_90"), "13.0"));
        assertNotEquals(key, KernelCache.key(SOURCE, OPTIONS, "13.1"));
        // length prefixes: moving text between fields changes the key
        assertNotEquals(KernelCache.key("ab", List.of("c"), "1"), KernelCache.key("a", List.of("bc"), "1"));

        Path dir = root.resolve("kernels");
        cache(dir, "13.0").compileCached(SOURCE, "a.cu", OPTIONS);
        cache(dir, "13.0").compileCached(SOURCE, "a.cu", List.of("--gpu-architecture=compute_100"));
        cache(dir, "13.1").compileCached(SOURCE, "a.cu", OPTIONS);
        cache(dir, "13.0").compileCached(SOURCE + "// changed", "a.cu", OPTIONS);
        assertEquals(4, compiled.size());
        assertEquals(4, entries(dir).size());
    }

    @Test
    void aCorruptEmptyOrTruncatedEntryIsCompiledAgainAndRewritten() throws IOException {
        Path dir = root.resolve("kernels");
        byte[] good = cache(dir, "13.0").compileCached(SOURCE, "a.cu", OPTIONS);
        Path entry = entries(dir).get(0);
        byte[] valid = Files.readAllBytes(entry);
        List<byte[]> damaged = List.of(new byte[0], "garbage".getBytes(StandardCharsets.UTF_8),
                java.util.Arrays.copyOf(valid, valid.length - 3), flipLastByte(valid));
        for (byte[] bad : damaged) {
            Files.write(entry, bad);
            int before = compiled.size();
            assertArrayEquals(good, cache(dir, "13.0").compileCached(SOURCE, "a.cu", OPTIONS));
            assertEquals(before + 1, compiled.size(), "a damaged entry is compiled again");
            assertArrayEquals(valid, Files.readAllBytes(entry), "and rewritten");
        }
        assertEquals(List.of(entry), entries(dir), "no temporary files left behind");
        assertEquals("", warnings.toString(StandardCharsets.UTF_8), "a damaged entry is no reason to warn");
    }

    private static byte[] flipLastByte(byte[] bytes) {
        byte[] copy = bytes.clone();
        copy[copy.length - 1] ^= 1;
        return copy;
    }

    @Test
    void anUnwritableDirectoryCompilesEveryTimeAndSaysSoOnce() throws IOException {
        Path file = Files.writeString(root.resolve("not-a-directory"), "x");
        Path dir = file.resolve("kernels"); // cannot be created, even by root
        KernelCache cache = cache(dir, "13.0");
        assertArrayEquals(compile(SOURCE, "a.cu", OPTIONS), cache.compileCached(SOURCE, "a.cu", OPTIONS));
        cache.compileCached(SOURCE, "a.cu", OPTIONS);
        cache.compileCached(SOURCE, "b.cu", OPTIONS);
        assertEquals(List.of("a.cu", "a.cu", "a.cu", "b.cu"), compiled);
        String text = warnings.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.contains(dir.toString()) && text.contains("-Dtrainbench.kernel.cache"), text);
    }

    @Test
    void withoutADirectoryEveryCallCompiles() {
        KernelCache off = cache(null, "13.0");
        off.compileCached(SOURCE, "a.cu", OPTIONS);
        off.compileCached(SOURCE, "a.cu", OPTIONS);
        assertEquals(2, compiled.size());
    }

    @Test
    void theDirectoryComesFromThePropertyThenTheEnvironmentThenXdgThenHome() {
        Map<String, String> none = Map.of();
        assertEquals(Optional.of(Path.of("/p")), directory(Map.of(KernelCache.PROPERTY, "/p"), Map.of(KernelCache.ENVIRONMENT, "/e")));
        assertEquals(Optional.of(Path.of("/e")), directory(none, Map.of(KernelCache.ENVIRONMENT, "/e", "XDG_CACHE_HOME", "/x")));
        assertEquals(Optional.of(Path.of("/x/trainbench/kernels")), directory(none, Map.of("XDG_CACHE_HOME", "/x")));
        assertEquals(Optional.of(Path.of("/home/u/.cache/trainbench/kernels")), directory(none, Map.of("XDG_CACHE_HOME", "relative")));
        assertEquals(Optional.of(Path.of("/home/u/.cache/trainbench/kernels")), directory(none, none));
        assertEquals(Optional.empty(), directory(Map.of(KernelCache.PROPERTY, "off"), Map.of(KernelCache.ENVIRONMENT, "/e")));
        assertEquals(Optional.empty(), directory(none, Map.of(KernelCache.ENVIRONMENT, "off")));
        assertEquals(Optional.of(Path.of("/p")), directory(Map.of(KernelCache.PROPERTY, "/p"), Map.of(KernelCache.ENVIRONMENT, "off")),
                "the property wins over the environment");
    }

    private static Optional<Path> directory(Map<String, String> properties, Map<String, String> environment) {
        return KernelCache.directory(properties::get, environment::get, "/home/u");
    }
}
