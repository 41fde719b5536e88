package org.trainbench.engine.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.hf.SafetensorsDirectory;
import org.trainbench.engine.json.Json;

class SafetensorsTest {
    @TempDir
    Path temp;

    @Test
    void decodesBf16F16AndF32WrittenByTheSafetensorsLibraryExactlyAsTorchConvertsThem() throws IOException {
        Map<?, ?> expected = (Map<?, ?>) Json.parse(Files.readString(TestFixtures.path("hf-tiny-llama/dtypes.json")));
        try (SafetensorsFile file = SafetensorsFile.open(TestFixtures.path("hf-tiny-llama/dtypes.safetensors"))) {
            assertEquals("BF16", file.info("bf16").dtypeName());
            assertEquals("F16", file.info("f16").dtypeName());
            for (String name : List.of("bf16", "f16", "f32")) {
                Map<?, ?> entry = (Map<?, ?>) expected.get(name);
                List<?> values = (List<?>) entry.get("values");
                float[] got = file.readFloats(name);
                assertEquals(values.size(), got.length, name);
                for (int i = 0; i < got.length; i++) {
                    assertEquals((float) ((Number) values.get(i)).doubleValue(), got[i], 0f, name + "[" + i + "]");
                }
                assertArrayEquals(((List<?>) entry.get("shape")).stream().mapToInt(o -> ((Number) o).intValue()).toArray(),
                        file.info(name).shape());
            }
        }
    }

    @Test
    void writtenF32AndBf16FilesReadBackWithAnAlignedHeader() throws IOException {
        float[] values = {1.0f, -2.5f, 3.14159f, 1.00390625f, 1.01171875f, Float.NaN, 1e-40f, -0.0f};
        Path f32 = temp.resolve("a.safetensors");
        Path bf16 = temp.resolve("b.safetensors");
        List<SafetensorsWriter.NamedTensor> tensors = List.of(new SafetensorsWriter.NamedTensor("x", new int[] {2, 4}, values),
                new SafetensorsWriter.NamedTensor("y", new int[] {1}, new float[] {7f}));
        SafetensorsWriter.write(f32, tensors, SafetensorsDType.F32, Map.of("format", "pt"));
        SafetensorsWriter.write(bf16, tensors, SafetensorsDType.BF16, Map.of());
        try (SafetensorsFile a = SafetensorsFile.open(f32); SafetensorsFile b = SafetensorsFile.open(bf16)) {
            assertArrayEquals(values, a.readFloats("x"));
            assertEquals("pt", a.metadata().get("format"));
            assertArrayEquals(new int[] {2, 4}, a.info("x").shape());
            float[] rounded = b.readFloats("x");
            assertEquals(-2.5f, rounded[1]);
            assertEquals(3.140625f, rounded[2]); // nearest bf16
            assertEquals(1.0f, rounded[3]); // 1 + 2^-8 is a tie: rounds to even
            assertEquals(1.015625f, rounded[4]); // 1 + 3*2^-8 is a tie: rounds to even (up)
            assertTrue(Float.isNaN(rounded[5]));
            assertEquals(7f, b.readFloats("y")[0]);
        }
        ByteBuffer head = ByteBuffer.wrap(Files.readAllBytes(f32)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, head.getLong() % 8, "header length is a multiple of 8, so tensor data stays aligned");
    }

    @Test
    void truncatedFileIsReportedWithItsNameAndTheTensor() throws IOException {
        Path f = temp.resolve("t.safetensors");
        SafetensorsWriter.write(f, List.of(new SafetensorsWriter.NamedTensor("w", new int[] {100}, new float[100])),
                SafetensorsDType.F32, Map.of());
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(f));
        assertTrue(e.getMessage().contains("t.safetensors") && e.getMessage().contains("'w'"), e.getMessage());
        Files.writeString(f, "not a safetensors file at all");
        e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(f));
        assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());
    }

    @Test
    void largeWeightsAreShardedWithAnIndexAndReadBackThroughIt() throws IOException {
        List<SafetensorsWriter.NamedTensor> tensors = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            float[] v = new float[1000];
            java.util.Arrays.fill(v, i + 0.5f);
            tensors.add(new SafetensorsWriter.NamedTensor("t" + i, new int[] {10, 100}, v));
        }
        List<Path> files = SafetensorsDirectory.write(temp, tensors, SafetensorsDType.F32, 9000);
        assertEquals(List.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors", "model.safetensors.index.json"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        Map<?, ?> index = (Map<?, ?>) Json.parse(Files.readString(temp.resolve("model.safetensors.index.json")));
        assertEquals(20000L, ((Map<?, ?>) index.get("metadata")).get("total_size"));
        assertEquals("model-00003-of-00003.safetensors", ((Map<?, ?>) index.get("weight_map")).get("t4"));
        try (SafetensorsDirectory dir = SafetensorsDirectory.open(temp)) {
            assertEquals(5, dir.names().size());
            for (int i = 0; i < 5; i++) {
                assertEquals(i + 0.5f, dir.readFloats("t" + i)[999]);
            }
        }
    }
}
