package org.trainbench.engine.config.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.config.ConfigExamples;
import org.trainbench.engine.config.yaml.YamlParser;

class ConfigFactsTest {

    @Test
    void parameterCountOfLlama31With8BIsTheKnownValue() throws Exception {
        assertEquals(8_030_261_248L, ConfigFacts.parameterCount(
                YamlParser.parse(ConfigExamples.text(ConfigExamples.PRETRAIN_FROM_SCRATCH))).orElseThrow());
        assertEquals("8.03B (8,030,261,248)", ConfigFacts.describeCount(8_030_261_248L));
    }

    @Test
    void parameterCountCountsTiedEmbeddingsOnceAndBiasesAndLayerNorms() throws Exception {
        // h=8, 1 layer, 2 heads of 4, 1 group, ffn 16, not gated, biases, layer norm, tied, vocab 10, no position embeddings
        String text = "model:\n  base_model:\n    vocab_size: 10\n    use_position_embeddings: false\n    transformer:\n"
                + "      hidden_size: 8\n      num_layers: 1\n      num_attention_heads: 2\n      head_groups: 1\n"
                + "      ffn_hidden_size: 16\n";
        long attention = 8 * 8 + 2 * 8 * 4 + 8 * 8 + (8 + 2 * 4 + 8);
        long mlp = 8 * 16 + 16 * 8 + (16 + 8);
        long norms = 2 * (2 * 8);
        long expected = attention + mlp + norms + 2 * 8 + 10 * 8;
        assertEquals(expected, ConfigFacts.parameterCount(YamlParser.parse(text)).orElseThrow());
    }

    @Test
    void parameterCountIsUnknownWhenTheArchitectureComesFromThePretrainedModel() throws Exception {
        assertTrue(ConfigFacts.parameterCount(YamlParser.parse(ConfigExamples.text(ConfigExamples.SFT_TRAIN))).isEmpty());
        assertTrue(ConfigFacts.parameterCount(YamlParser.parse(ConfigExamples.text(ConfigExamples.PRETRAIN))).isEmpty());
    }

    @Test
    void rotaryThetaFromLegacyScale() {
        assertEquals(500_000.0, ConfigFacts.rotaryTheta(-13.122363377404328));
        assertEquals(10_000.0, ConfigFacts.rotaryTheta(-Math.log(10_000)));
    }

    @Test
    void tokensPerStepIsBatchSizeTimesSequenceLength() throws Exception {
        assertEquals(480L * 4096, ConfigFacts.tokensPerStep(
                YamlParser.parse(ConfigExamples.text(ConfigExamples.PRETRAIN))).orElseThrow());
    }
}
