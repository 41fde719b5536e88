package org.trainbench.ui.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.config.check.TrainingEstimate;
import org.trainbench.engine.config.yaml.YamlParser;

class ConfigSummaryTest {

    private static String example(String name) throws Exception {
        return Files.readString(Path.of(System.getProperty("user.dir")).resolve("../../examples/" + name).normalize());
    }

    @Test
    void the8bExampleOn64H100IsTheEnginesEstimateWithTheConfigsStageUnlessOverridden() throws Exception {
        String text = example("llama-3.1-8b-pretrain-from-scratch.yaml");
        SummarySettings settings = SummarySettings.DEFAULT.withGpus(64);
        var summary = assertInstanceOf(ConfigSummary.Estimated.class, ConfigSummary.of(text, settings, null));
        TrainingEstimate engine = TrainingEstimate.of(YamlParser.parse(text), 64).orElseThrow();
        assertEquals(engine, summary.estimate());
        assertEquals(2, summary.configZeroStage());
        assertEquals(engine.secondsPerStep(TrainingEstimate.Gpu.H100_SXM, 64, 0.40), summary.secondsPerStep());

        var stage3 = assertInstanceOf(ConfigSummary.Estimated.class, ConfigSummary.of(text, settings.withZeroOverride(3), null));
        assertEquals(engine.withZeroStage(3), stage3.estimate());
        assertEquals(2, stage3.configZeroStage(), "the config's own stage stays known for the combo");
        var a100 = assertInstanceOf(ConfigSummary.Estimated.class,
                ConfigSummary.of(text, settings.withGpu(TrainingEstimate.Gpu.A100).withMfuPercent(50), null));
        assertEquals(engine.secondsPerStep(TrainingEstimate.Gpu.A100, 64, 0.50), a100.secondsPerStep());
    }

    @Test
    void aConfigWithoutArchitectureNamesTheMissingSection() throws Exception {
        var summary = assertInstanceOf(ConfigSummary.Incomplete.class,
                ConfigSummary.of(example("llama-3.1-8b-pretrain.yaml"), SummarySettings.DEFAULT, null));
        assertEquals(List.of("model.base_model.transformer"), summary.missing().stream().map(TrainingEstimate.MissingKey::key).toList());
    }

    @Test
    void aSyntaxErrorAndAPreparationConfigSayWhyThereIsNoEstimate() throws Exception {
        var broken = assertInstanceOf(ConfigSummary.Unreadable.class, ConfigSummary.of("batch:\n  - [x\n", SummarySettings.DEFAULT, null));
        assertTrue(broken.message().startsWith("YAML syntax error at line"), broken.message());
        var preparation = assertInstanceOf(ConfigSummary.Unreadable.class,
                ConfigSummary.of(example("llama-3.1-8b-sft-prepare.yaml"), SummarySettings.DEFAULT, null));
        assertTrue(preparation.message().contains("data-preparation config"), preparation.message());
    }
}
