package org.trainbench.engine.hf;

import org.trainbench.engine.safetensors.SafetensorsFormatException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaArchitecture.Rotary;

class HfLlamaConfigTest {
    @TempDir
    Path temp;

    @Test
    void readsLlama31ConfigInTransformers4Spelling() throws IOException {
        HfLlamaConfig config = HfLlamaConfig.read(TestFixtures.path("hf-configs/llama-3.1-8b-transformers4.json"));
        LlamaArchitecture a = config.architecture();
        assertEquals(128256, a.vocabSize());
        assertEquals(4096, a.hiddenSize());
        assertEquals(32, a.numLayers());
        assertEquals(8, a.headGroups());
        assertEquals(128, a.kvChannels());
        assertEquals(14336, a.ffnHiddenSize());
        assertEquals(new Rotary(Rotary.Type.LLAMA3, 500000, 8, 1, 4, 8192), a.rotary());
        assertEquals(1e-5, a.normEpsilon());
        assertEquals(8_030_261_248L, a.parameterCount());
        assertEquals(131072, config.maxPositionEmbeddings());
        assertEquals(128000, config.bosTokenId());
        assertEquals(List.of(128001), config.eosTokenIds());
    }

    @Test
    void readsTransformers5RopeParametersFromTheFixture() throws IOException {
        HfLlamaConfig config = HfLlamaConfig.read(TestFixtures.path("hf-tiny-llama/model"));
        LlamaArchitecture a = config.architecture();
        assertEquals(new Rotary(Rotary.Type.LLAMA3, 500000, 8, 1, 4, 8192), a.rotary());
        assertEquals(16, a.kvChannels());
        assertEquals(2, a.headGroups());
        assertEquals(160, a.ffnHiddenSize());
        assertEquals(false, a.tieWordEmbeddings());
        assertEquals(List.of(2), config.eosTokenIds());
    }

    @Test
    void writtenConfigReadsBackToTheSameArchitectureAndTokens() throws IOException {
        LlamaArchitecture arch = LlamaArchitecture.llama(300, 48, 3, 6, 3, 100).withTiedEmbeddings(true).withLinearBiases(true);
        HfLlamaConfig config = new HfLlamaConfig(arch, 4096, 5, List.of(6, 7));
        config.write(temp, "float32");
        config.writeGenerationConfig(temp);
        HfLlamaConfig back = HfLlamaConfig.read(temp);
        assertEquals(config, back);
        String text = Files.readString(temp.resolve("config.json"));
        assertTrue(text.contains("\"rms_norm_eps\": 1e-05"), text);
        assertTrue(text.contains("\"rope_theta\": 10000.0"), text);
        assertTrue(text.contains("\"rope_scaling\": null"), text);
        Map<?, ?> generation = (Map<?, ?>) Json.parse(Files.readString(temp.resolve("generation_config.json")));
        assertEquals(5L, generation.get("bos_token_id"));
        assertEquals(List.of(6L, 7L), generation.get("eos_token_id"));
    }

    @Test
    void unsupportedSettingsNameTheFileAndKey() throws IOException {
        Path file = temp.resolve("config.json");
        Files.writeString(file, """
                {"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 1,
                 "intermediate_size": 128, "vocab_size": 100, "rope_scaling": {"rope_type": "yarn", "factor": 4.0}}""");
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> HfLlamaConfig.read(file));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("rope_scaling.rope_type")
                && e.getMessage().contains("yarn"), e.getMessage());
        Files.writeString(file, """
                {"model_type": "llama", "num_attention_heads": 4, "num_hidden_layers": 1,
                 "intermediate_size": 128, "vocab_size": 100}""");
        e = assertThrows(SafetensorsFormatException.class, () -> HfLlamaConfig.read(file));
        assertTrue(e.getMessage().contains("'hidden_size'"), e.getMessage());
        Files.writeString(file, """
                {"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 1,
                 "intermediate_size": 128, "vocab_size": 100, "attention_bias": true}""");
        e = assertThrows(SafetensorsFormatException.class, () -> HfLlamaConfig.read(file));
        assertTrue(e.getMessage().contains("mlp_bias"), e.getMessage());
        Files.writeString(file, """
                {"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 1,
                 "intermediate_size": 128, "vocab_size": 100}""");
        HfLlamaConfig defaults = HfLlamaConfig.read(file);
        assertEquals(Rotary.defaultScaling(10000), defaults.architecture().rotary());
        assertEquals(4, defaults.architecture().headGroups());
        assertEquals(16, defaults.architecture().kvChannels());
        assertNull(defaults.bosTokenId());
    }
}
