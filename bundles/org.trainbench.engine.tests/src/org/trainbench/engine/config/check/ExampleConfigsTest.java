package org.trainbench.engine.config.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trainbench.engine.config.ConfigExamples;
import org.trainbench.engine.config.schema.ConfigBinder;
import org.trainbench.engine.config.schema.ConfigKind;
import org.trainbench.engine.config.yaml.YamlParser;

class ExampleConfigsTest {

    private static List<Diagnostic> check(String name) {
        Path file = ConfigExamples.path(name);
        return ConfigChecker.check(ConfigExamples.text(name), file);
    }

    private static List<Diagnostic> errors(List<Diagnostic> diagnostics) {
        return diagnostics.stream().filter(d -> d.severity() == Severity.ERROR).toList();
    }

    @Test
    void examplesFolderHoldsEverySeedConfig() {
        Set<String> names = ConfigExamples.all().stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        assertEquals(Set.copyOf(ConfigExamples.ALL), names);
    }

    @ParameterizedTest
    @ValueSource(strings = {ConfigExamples.PRETRAIN_PRETRAINED, ConfigExamples.PRETRAIN_FROM_SCRATCH,
            ConfigExamples.SFT_PREPARE, ConfigExamples.SFT_TRAIN})
    void completeSeedConfigsValidateWithoutErrors(String name) {
        List<Diagnostic> diagnostics = check(name);
        assertEquals(List.of(), errors(diagnostics), () -> name + ": " + diagnostics);
        Set<String> warningCodes = diagnostics.stream().map(Diagnostic::code).collect(Collectors.toSet());
        assertTrue(Set.of(IssueCodes.FILE_NOT_FOUND, IssueCodes.LEGACY_KEY).containsAll(warningCodes), warningCodes::toString);
    }

    @Test
    void architectureLessPretrainConfigGetsExactlyTheArchitectureError() {
        List<Diagnostic> errors = errors(check(ConfigExamples.PRETRAIN));
        assertEquals(1, errors.size(), errors::toString);
        Diagnostic error = errors.getFirst();
        assertEquals(IssueCodes.ARCHITECTURE_UNDEFINED, error.code());
        assertEquals(41, error.range().line(), "on the `base_model` key of the model section");
        assertTrue(error.message().contains("pretrained") && error.message().contains("model.base_model.transformer"));
    }

    @Test
    void pretrainConfigsReportTheGuidesLegacyFormsAsWarningsWithTheirCurrentForm() {
        List<Diagnostic> legacy = check(ConfigExamples.PRETRAIN_FROM_SCRATCH).stream()
                .filter(d -> d.code().equals(IssueCodes.LEGACY_KEY)).toList();
        assertEquals(List.of("training.validation", "data.format", "data.path", "data.split",
                "model.base_model.transformer.rotary.scaling_type", "model.base_model.transformer.rotary_embedding_scale",
                "model.base_model.transformer.use_rotary_embeddings"), legacy.stream().map(Diagnostic::keyPath).toList());
        Diagnostic scale = legacy.get(5);
        assertEquals("model.base_model.transformer.rotary.theta", scale.data().get(Diagnostic.DATA_REPLACEMENT_PATH));
        assertEquals("500000.0", scale.data().get(Diagnostic.DATA_REPLACEMENT_VALUE));
        assertTrue(legacy.stream().allMatch(d -> d.severity() == Severity.WARNING));
    }

    @Test
    void kindsAreRecognizedFromContent() throws Exception {
        assertEquals(ConfigKind.PREPARATION, ConfigKind.detect(YamlParser.parse(ConfigExamples.text(ConfigExamples.SFT_PREPARE))));
        for (String name : List.of(ConfigExamples.PRETRAIN, ConfigExamples.PRETRAIN_PRETRAINED, ConfigExamples.SFT_TRAIN)) {
            assertEquals(ConfigKind.TRAINING, ConfigKind.detect(YamlParser.parse(ConfigExamples.text(name))), name);
        }
    }

    @Test
    void fromScratchExampleIsLlama31With8Point03BillionParameters() throws Exception {
        var root = YamlParser.parse(ConfigExamples.text(ConfigExamples.PRETRAIN_FROM_SCRATCH));
        assertEquals(8_030_261_248L, ConfigFacts.parameterCount(root).orElseThrow());
        var transformer = ConfigBinder.training(root).model().baseModel().transformer();
        assertEquals(500_000.0, transformer.rotary().theta());
        assertEquals("llama3", transformer.rotary().type().yamlName());
    }
}
