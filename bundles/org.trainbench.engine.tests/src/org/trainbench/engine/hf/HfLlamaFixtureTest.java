package org.trainbench.engine.hf;

import org.trainbench.engine.safetensors.SafetensorsFile;
import org.trainbench.engine.safetensors.SafetensorsDType;
import org.trainbench.engine.safetensors.SafetensorsFormatException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.model.LlamaArchitecture.Rotary;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.model.RotaryEmbedding;
import org.trainbench.engine.tensor.Parameter;

/**
 * Against the real thing: a tiny random LlamaForCausalLM saved by transformers 5.17 (tools/reference/make_llama_fixture.py),
 * its fp32 CPU logits, rotary inv_freq and greedy generations.
 */
class HfLlamaFixtureTest {
    /**
     * Logits are up to about 4 in magnitude; measured differences are at most 3.2e-6 (fp32 sums in another order),
     * so 2e-5 leaves room for other CPUs while any real mistake is orders of magnitude larger.
     */
    private static final float LOGIT_TOLERANCE = 2e-5f;

    @TempDir
    Path temp;

    private static Path model() {
        return TestFixtures.path("hf-tiny-llama/model");
    }

    private static Map<?, ?> expectedJson() throws IOException {
        return (Map<?, ?>) Json.parse(Files.readString(TestFixtures.path("hf-tiny-llama/expected.json")));
    }

    private static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    @Test
    void logitsMatchTransformersWithin2eMinus5() throws IOException {
        LlamaModel model = HfLlamaFormat.load(model());
        List<?> sequences = (List<?>) expectedJson().get("sequences");
        try (SafetensorsFile expected = SafetensorsFile.open(TestFixtures.path("hf-tiny-llama/expected.safetensors"))) {
            for (int s = 0; s < sequences.size(); s++) {
                int[] tokens = ints(sequences.get(s));
                float[] want = expected.readFloats("logits_" + s);
                float[] got = model.logits(tokens);
                assertEquals(want.length, got.length);
                float spread = 0;
                for (int i = 0; i < got.length; i++) {
                    assertEquals(want[i], got[i], LOGIT_TOLERANCE, "sequence " + s + ", logit " + i);
                    spread = Math.max(spread, Math.abs(want[i]));
                }
                assertTrue(spread > 1f, "the fixture's logits are not near-uniform");
            }
        }
    }

    @Test
    void greedyGenerationEqualsTransformersGenerate() throws IOException {
        LlamaModel model = HfLlamaFormat.load(model());
        for (Object g : (List<?>) expectedJson().get("generations")) {
            Map<?, ?> generation = (Map<?, ?>) g;
            int[] prompt = ints(generation.get("prompt"));
            int[] greedy = ints(generation.get("greedy"));
            assertArrayEquals(greedy, model.generate(prompt, greedy.length, 0f, 0L));
        }
    }

    @Test
    void rotaryInverseFrequenciesEqualTransformersBitForBit() throws IOException {
        try (SafetensorsFile expected = SafetensorsFile.open(TestFixtures.path("hf-tiny-llama/expected.safetensors"))) {
            assertFrequencies(expected.readFloats("inv_freq"), RotaryEmbedding.inverseFrequencies(Rotary.llama3(500000), 16));
            assertFrequencies(expected.readFloats("inv_freq_llama31_8b"), RotaryEmbedding.inverseFrequencies(Rotary.llama3(500000), 128));
            assertFrequencies(expected.readFloats("inv_freq_default_theta10000_dim64"),
                    RotaryEmbedding.inverseFrequencies(Rotary.defaultScaling(10000), 64));
        }
    }

    /** Bit for bit: the fp32 operations are done in transformers' order. */
    private static void assertFrequencies(float[] want, float[] got) {
        assertArrayEquals(want, got);
    }

    @Test
    void importThenExportRoundTripsEveryTensorBitForBit() throws IOException {
        LlamaModel model = HfLlamaFormat.load(model());
        HfLlamaConfig config = HfLlamaConfig.read(model());
        Path out = temp.resolve("export");
        HfLlamaFormat.export(model, out, HfLlamaFormat.ExportOptions.like(config));
        assertEquals(config, HfLlamaConfig.read(out));
        try (SafetensorsDirectory original = SafetensorsDirectory.open(model());
             SafetensorsDirectory exported = SafetensorsDirectory.open(out)) {
            assertEquals(new java.util.TreeSet<>(original.names()), new java.util.TreeSet<>(exported.names()));
            for (String name : original.names()) {
                assertArrayEquals(original.readRaw(name), exported.readRaw(name), name);
                assertArrayEquals(original.info(name).shape(), exported.info(name).shape(), name);
            }
        }
        Map<?, ?> generation = (Map<?, ?>) Json.parse(Files.readString(out.resolve("generation_config.json")));
        assertEquals(2L, generation.get("eos_token_id"));
    }

    @Test
    void bf16AndShardedExportsRoundTripBitForBit() throws IOException {
        LlamaModel model = HfLlamaFormat.load(model());
        HfLlamaFormat.ExportOptions bf16 = HfLlamaFormat.ExportOptions.like(HfLlamaConfig.read(model()))
                .withDtype(SafetensorsDType.BF16).withMaxShardBytes(100_000);
        Path first = temp.resolve("first");
        HfLlamaFormat.export(model, first, bf16);
        assertTrue(Files.exists(first.resolve("model.safetensors.index.json")));
        assertTrue(Files.readString(first.resolve("config.json")).contains("\"torch_dtype\": \"bfloat16\""));
        LlamaModel reloaded = HfLlamaFormat.load(first);
        Path second = temp.resolve("second");
        HfLlamaFormat.export(reloaded, second, bf16);
        try (SafetensorsDirectory a = SafetensorsDirectory.open(first); SafetensorsDirectory b = SafetensorsDirectory.open(second)) {
            for (String name : a.names()) {
                assertEquals("BF16", a.info(name).dtypeName());
                assertArrayEquals(a.readRaw(name), b.readRaw(name), name);
            }
        }
        // bf16 rounding moved the weights by at most 2^-8 relative.
        for (Parameter p : model.parameters()) {
            float[] x = p.data();
            float[] y = reloaded.parameter(p.name()).data();
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], Math.abs(x[i]) / 256f, p.name());
            }
        }
    }

    @Test
    void weightsThatDoNotFitTheConfigAreRejectedNamingTheTensor() throws IOException {
        Path dir = temp.resolve("bad");
        Files.createDirectories(dir);
        HfLlamaConfig config = HfLlamaConfig.read(model());
        Map<String, Object> json = config.toJson("float32");
        json.put("intermediate_size", 128);
        Files.writeString(dir.resolve("config.json"), Json.write(json));
        Files.copy(model().resolve("model.safetensors"), dir.resolve("model.safetensors"));
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> HfLlamaFormat.load(dir));
        assertTrue(e.getMessage().contains("mlp.gate_proj.weight") && e.getMessage().contains("[160, 64]"), e.getMessage());
        json.put("intermediate_size", 160);
        json.put("tie_word_embeddings", true);
        Files.writeString(dir.resolve("config.json"), Json.write(json));
        assertEquals(32 * 1024 / 2, HfLlamaFormat.load(dir).parameter("model.embed_tokens.weight").size() / 1,
                "with tied embeddings an extra lm_head.weight is ignored");
        Files.delete(dir.resolve("model.safetensors"));
        e = assertThrows(SafetensorsFormatException.class, () -> HfLlamaFormat.load(dir));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    }
}
