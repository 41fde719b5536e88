package org.trainbench.engine.config.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.config.yaml.YamlParser;

class ConfigSchemaTest {

    private static SchemaKey training(String path) {
        return ConfigSchema.lookup(ConfigKind.TRAINING, path).orElseThrow(() -> new AssertionError("no key " + path));
    }

    @Test
    void everyKeyHasDocumentation() {
        for (SchemaKey root : List.of(ConfigSchema.training(), ConfigSchema.preparation())) {
            for (SchemaKey key : ConfigSchema.allKeys(root)) {
                if (!key.name().startsWith("<")) {
                    assertFalse(key.doc().isBlank(), key.path());
                }
            }
        }
    }

    @Test
    void scalarKeysExposeTypeDocDefaultAndRange() {
        SchemaKey beta = training("optimizer.beta_1");
        assertEquals("beta_1", beta.name());
        assertEquals(ValueType.FLOAT, beta.type());
        assertEquals("0.9", beta.defaultValue().orElseThrow());
        assertEquals("number between 0 and 1", beta.typeDescription());
        assertEquals("Adam's first-moment (momentum) decay rate.", beta.doc());
        SchemaKey keep = training("training.checkpoint.keep");
        assertEquals(ValueType.INTEGER, keep.type());
        assertTrue(keep.range().orElseThrow().contains(1));
        assertFalse(keep.range().orElseThrow().contains(0));
        SchemaKey ffn = training("model.base_model.transformer.ffn_hidden_size");
        assertTrue(ffn.defaultValue().isEmpty());
        assertEquals("4 * hidden_size", ffn.derivedDefault().orElseThrow());
    }

    @Test
    void choicesListTheirValuesDocsAndAliases() {
        SchemaKey decay = training("optimizer.learning_rate.decay_style");
        assertEquals(ValueType.CHOICE, decay.type());
        assertEquals(List.of("constant", "linear", "cosine"), decay.allowedValues());
        assertEquals(3, decay.allowedValueDocs().size());
        SchemaKey rotary = training("model.base_model.transformer.rotary.type");
        assertTrue(rotary.allowedValues().containsAll(List.of("default", "llama3")));
        assertEquals(List.of("default", "llama3"), rotary.engineSupports());
        SchemaKey dtype = training("model.distributed.training_dtype");
        assertEquals(List.of("float32", "bfloat16", "float16"), dtype.allowedValues());
        assertTrue(dtype.acceptedValues().contains("bf16"));
    }

    @Test
    void legacyKeysNameTheirReplacement() {
        SchemaKey scale = training("model.base_model.transformer.rotary_embedding_scale");
        assertTrue(scale.isLegacy());
        assertEquals("model.base_model.transformer.rotary.theta", scale.legacy().orElseThrow().replacedByPath());
        assertEquals("training.evaluators.validation", training("training.validation").legacy().orElseThrow().replacedByPath());
        assertEquals("model.base_model.transformer.rotary.type",
                training("model.base_model.transformer.rotary.scaling_type").legacy().orElseThrow().replacedByPath());
        SchemaKey rotary = training("model.base_model.transformer.rotary");
        assertFalse(rotary.currentChildren().stream().anyMatch(SchemaKey::isLegacy));
        assertTrue(rotary.child("scaling_type").isPresent());
    }

    @Test
    void mapsTakeAnyEntryName() {
        SchemaKey datasets = training("data.datasets");
        assertEquals(ValueType.MAP, datasets.type());
        SchemaKey path = training("data.datasets.anything.path");
        assertEquals("data.datasets.*.path", path.path());
        assertTrue(path.inputPath());
        assertFalse(path.required(), "blended and random datasets have no path; CrossFieldRules asks file and memmap for one");
        SchemaKey splits = ConfigSchema.lookup(ConfigKind.PREPARATION, "splits.training").orElseThrow();
        assertEquals(ValueType.FLOAT, splits.type());
        assertFalse(splits.range().orElseThrow().contains(0));
    }

    @Test
    void yamlNamesAreSnakeCaseOfComponentsUnlessOverridden() {
        List<String> names = ConfigSchema.training().child("optimizer").orElseThrow().children().stream().map(SchemaKey::name).toList();
        assertEquals(List.of("learning_rate", "weight_decay", "beta_1", "beta_2", "epsilon", "gradient_norm_clipping"), names);
    }

    @Test
    void sectionsOfBothKindsAreDeclared() {
        assertEquals(List.of("training", "batch", "data", "optimizer", "pretrained", "model", "run", "schedule", "reference_models"),
                ConfigSchema.training().children().stream().map(SchemaKey::name).toList());
        assertEquals(List.of("output_path", "loading_workers", "tokenize_workers", "saving_workers", "dataset", "tokenizer",
                "splits", "seed", "num_workers", "documents_per_shard"), ConfigSchema.preparation().children().stream().map(SchemaKey::name).toList());
        assertTrue(ConfigSchema.lookup(ConfigKind.PREPARATION, "dataset.chat.roles.human").isPresent());
        assertTrue(ConfigSchema.lookup(ConfigKind.TRAINING, "model.base_model.transformer.hiden_size").isEmpty());
    }

    @Test
    void kindIsDetectedFromTopLevelKeys() throws Exception {
        assertEquals(ConfigKind.TRAINING, ConfigKind.detect(YamlParser.parse("run:\n  experiment_dir: x\n")));
        assertEquals(ConfigKind.PREPARATION, ConfigKind.detect(YamlParser.parse("tokenizer:\n  path: t\nsplits: {a: 1}\n")));
        assertEquals(ConfigKind.UNKNOWN, ConfigKind.detect(YamlParser.parse("foo: 1\n")));
        assertEquals(ConfigKind.UNKNOWN, ConfigKind.detect(YamlParser.parse("[1, 2]")));
        assertEquals(ConfigKind.TRAINING, ConfigKind.detect(YamlParser.parse("model: {}\nseed: 3\n")), "a tie goes to training");
    }

    @Test
    void keySuggestionsFindTyposButNotStrangers() {
        assertEquals("hidden_size", KeySuggestions.closest("hiden_size", List.of("hidden_size", "num_layers")).orElseThrow());
        assertEquals("num_layers", KeySuggestions.closest("nmu_layers", List.of("hidden_size", "num_layers")).orElseThrow());
        assertTrue(KeySuggestions.closest("colour", List.of("experiment_dir")).isEmpty());
        assertEquals(Map.of(), Map.of());
    }
}
