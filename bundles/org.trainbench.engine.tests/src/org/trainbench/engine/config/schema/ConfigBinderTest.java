package org.trainbench.engine.config.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.config.ConfigExamples;
import org.trainbench.engine.config.preparation.PreparationConfig;
import org.trainbench.engine.config.training.ActivationType;
import org.trainbench.engine.config.training.DatasetType;
import org.trainbench.engine.config.training.DecayStyle;
import org.trainbench.engine.config.training.RotaryType;
import org.trainbench.engine.config.training.TrainingConfig;
import org.trainbench.engine.config.training.TrainingDtype;
import org.trainbench.engine.config.training.TransformerConfig;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;

class ConfigBinderTest {

    /** Binds a training config; adds the required run section when the text has none. */
    private static TrainingConfig training(String text) throws Exception {
        return ConfigBinder.training(YamlParser.parse(text.contains("run:") ? text : text + "run:\n  experiment_dir: out\n"));
    }

    @Test
    void unwrittenKeysGetTheirSchemaDefaults() throws Exception {
        TrainingConfig config = training("run:\n  experiment_dir: out\n");
        assertEquals(0, config.training().trainIters());
        assertEquals(2048, config.batch().sequenceLength());
        assertTrue(config.batch().crossDocumentAttention());
        assertEquals(0.01, config.optimizer().weightDecay());
        assertEquals(0.999, config.optimizer().beta2());
        assertEquals(1.0e-8, config.optimizer().epsilon());
        assertEquals(DecayStyle.CONSTANT, config.optimizer().learningRate().decayStyle());
        assertEquals(784569L, config.data().sampling().seed());
        assertEquals(TrainingDtype.FLOAT32, config.model().distributed().trainingDtype());
        assertEquals(Map.of(), config.data().datasets());
        assertNull(config.pretrained(), "an unwritten optional section stays null");
        assertNull(config.training().validation(), "an unwritten legacy section stays null");
        assertEquals(Path.of("out"), config.run().experimentDir());
    }

    @Test
    void derivedDefaultsFollowFastLlm() throws Exception {
        TransformerConfig t = training("model:\n  base_model:\n    transformer:\n      hidden_size: 512\n"
                + "      num_attention_heads: 8\n      gated: true\nbatch:\n  micro_batch_size: 3\n").model().baseModel().transformer();
        assertEquals(2048, t.ffnHiddenSize());
        assertEquals(64, t.kvChannels());
        assertEquals(ActivationType.SILU, t.activationType());
        assertEquals(1 / Math.sqrt(512), t.initMethodStd(), 1e-12);
        assertEquals(3, training("batch:\n  micro_batch_size: 3\n").batch().batchSize());
    }

    @Test
    void writtenValuesAreConvertedToTheirTypes() throws Exception {
        TrainingConfig config = ConfigBinder.training(YamlParser.parse(ConfigExamples.text(ConfigExamples.SFT_TRAIN)));
        assertEquals(5000, config.training().trainIters());
        assertEquals(false, config.batch().crossDocumentAttention());
        assertEquals(false, config.data().truncateDocuments());
        assertTrue(config.data().sampling().useLossMaskingSpans());
        assertEquals(DatasetType.FILE, config.data().datasets().get("validation").type());
        assertEquals(List.of("training", "validation"), List.copyOf(config.data().datasets().keySet()));
        assertEquals(2.0e-05, config.optimizer().learningRate().base());
        assertEquals(4900, config.optimizer().learningRate().decayIterations());
        assertEquals(Path.of("./sft-tutorial/Llama-3.1-8B"), config.pretrained().path());
        assertEquals(TrainingDtype.BFLOAT16, config.model().distributed().trainingDtype());
        assertEquals(3600.0, config.model().distributed().timeout());
        assertEquals("validation", config.training().evaluators().get("validation").evaluator().datasetName("validation"));
    }

    @Test
    void legacyKeysAreMigratedToTheirCurrentForm() throws Exception {
        TrainingConfig config = ConfigBinder.training(YamlParser.parse(ConfigExamples.text(ConfigExamples.PRETRAIN_FROM_SCRATCH)));
        var rotary = config.model().baseModel().transformer().rotary();
        assertEquals(RotaryType.LLAMA3, rotary.type());
        assertEquals(500_000.0, rotary.theta());
        var validation = config.training().evaluators().get("validation");
        assertEquals(1000, validation.interval());
        assertEquals(25, validation.evaluator().iterations());
        assertEquals("validation", validation.evaluator().datasetName());
        assertEquals(List.of(99.0, 1.0, 0.0), config.data().split(), "the legacy dataset form is kept as written");
        assertEquals(false, config.model().baseModel().usePositionEmbeddings());
    }

    @Test
    void useRotaryEmbeddingsBecomesRotaryType() throws Exception {
        String text = "model:\n  base_model:\n    transformer:\n      use_rotary_embeddings: true\n";
        assertEquals(RotaryType.DEFAULT, training(text).model().baseModel().transformer().rotary().type());
        assertEquals(true, training("model:\n  base_model:\n    transformer: {}\n").model().baseModel().usePositionEmbeddings());
    }

    @Test
    void preparationConfigBinds() throws Exception {
        PreparationConfig config = ConfigBinder.preparation(YamlParser.parse(ConfigExamples.text(ConfigExamples.SFT_PREPARE)));
        assertEquals(32, config.tokenizeWorkers());
        assertEquals("spans", config.dataset().lossMaskingSpans());
        assertEquals("text", config.dataset().field());
        assertTrue(config.dataset().trustRemoteCode());
        assertEquals(Map.of("training", 0.998, "validation", 0.002), config.splits());
        assertNull(config.seed());
        assertNull(config.dataset().chat());
    }

    @Test
    void chatFormatBindsWithRoleRenames() throws Exception {
        PreparationConfig config = ConfigBinder.preparation(YamlParser.parse("output_path: o\ntokenizer: {path: t}\n"
                + "dataset:\n  path: d\n  chat:\n    messages: conversations\n    role_key: from\n    content_key: value\n"
                + "    roles: {human: user, gpt: assistant}\n"));
        assertEquals("assistant", config.dataset().chat().templateRole("gpt"));
        assertEquals("system", config.dataset().chat().templateRole("system"));
    }

    @Test
    void wrongTypeIsABindingErrorNamingKeyAndPosition() throws Exception {
        ConfigBindingException e = assertThrows(ConfigBindingException.class,
                () -> training("batch:\n  batch_size: many\n"));
        assertEquals("batch.batch_size", e.keyPath());
        assertEquals(2, e.range().line());
        assertEquals(15, e.range().column());
        assertEquals("batch.batch_size: expected integer >= 1, found string many", e.getMessage());
        assertThrows(ConfigBindingException.class, () -> training("optimizer:\n  beta_1: 1e-1\n"));
        assertThrows(ConfigBindingException.class, () -> training("model:\n  distributed:\n    training_dtype: fp8\n"));
    }

    @Test
    void missingRequiredKeyIsABindingError() {
        ConfigBindingException e = assertThrows(ConfigBindingException.class,
                () -> ConfigBinder.preparation(YamlParser.parse("output_path: o\ntokenizer: {path: t}\ndataset: {split: x}\n")));
        assertEquals("dataset.path", e.keyPath());
    }

    @Test
    void writtenKeysTellWrittenValuesFromDefaults() throws Exception {
        var keys = ConfigBinder.writtenKeys(YamlParser.parse(ConfigExamples.text(ConfigExamples.PRETRAIN_FROM_SCRATCH)));
        assertTrue(keys.contains("model.base_model.transformer.hidden_size"));
        assertTrue(keys.contains("model.base_model.transformer.rotary.theta"), "migrated legacy keys count as written");
        assertTrue(!keys.contains("model.base_model.transformer.init_method_std"));
    }

    @Test
    void overridesReplaceAddAndNullValues() throws Exception {
        YamlNode root = YamlParser.parse(ConfigExamples.text(ConfigExamples.SFT_TRAIN));
        YamlNode overridden = ConfigOverrides.apply(root, List.of("batch.batch_size=64", "optimizer.learning_rate.base=1.0e-05",
                "data.datasets.extra={type: memmap, path: x}", "training.checkpoint.keep=", "model.distributed.seed=7"));
        TrainingConfig config = ConfigBinder.training(overridden);
        assertEquals(64, config.batch().batchSize());
        assertEquals(1.0e-05, config.optimizer().learningRate().base());
        assertEquals(DatasetType.MEMMAP, config.data().datasets().get("extra").type());
        assertNull(config.training().checkpoint().keep());
        assertEquals(7L, config.model().distributed().seed());
        ScalarNode batch = (ScalarNode) ConfigTree.at(overridden, "batch.batch_size").orElseThrow();
        ScalarNode original = (ScalarNode) ConfigTree.at(root, "batch.batch_size").orElseThrow();
        assertEquals(original.range(), batch.range(), "an overridden value keeps the position of the value it replaces");
        assertEquals(32L, original.value(), "the original tree is unchanged");
    }

    @Test
    void overridesOfUnknownKeysAreRejectedWithASuggestion() throws Exception {
        YamlNode root = YamlParser.parse(ConfigExamples.text(ConfigExamples.SFT_TRAIN));
        var e = assertThrows(ConfigOverrides.InvalidOverrideException.class,
                () -> ConfigOverrides.apply(root, List.of("batch.batch_sise=3")));
        assertEquals("--set batch.batch_sise=3: `batch_sise` is not a key of `batch`; did you mean `batch_size`?", e.getMessage());
        assertThrows(ConfigOverrides.InvalidOverrideException.class, () -> ConfigOverrides.apply(root, List.of("no_equals_sign")));
        assertThrows(ConfigOverrides.InvalidOverrideException.class, () -> ConfigOverrides.apply(root, List.of("run.experiment_dir=[x")));
    }
}
