package org.trainbench.engine.config.forms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.config.check.ConfigChecker;
import org.trainbench.engine.config.preparation.PreparationConfig;
import org.trainbench.engine.config.schema.ConfigBinder;
import org.trainbench.engine.config.schema.FastLlmVersion;
import org.trainbench.engine.config.schema.FormMapping;
import org.trainbench.engine.config.training.DatasetType;
import org.trainbench.engine.config.training.TrainingConfig;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.train.ResolvedConfig;

/**
 * The corpus of configs in each Fast-LLM form (resources/config-forms): each reports exactly the diagnostics listed
 * in its expected-diagnostics.txt, and one Llama written in the 0.2, 0.3 and 0.4 forms binds to the same engine config.
 */
class ConfigFormsCorpusTest {

    private static final Path CORPUS = TestFixtures.path("config-forms");

    @Test
    void everyConfigReportsExactlyItsExpectedDiagnostics() throws Exception {
        Map<String, List<String>> expected = expected();
        List<String> checked = new ArrayList<>();
        try (Stream<Path> files = Files.list(CORPUS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String name = file.getFileName().toString();
                List<String> found = ConfigChecker.check(Files.readString(file), null).stream()
                        .map(d -> d.code() + " " + d.range().line()).toList();
                assertEquals(expected.getOrDefault(name, List.of()), found, name + ": " + ConfigChecker.check(Files.readString(file), null)
                        .stream().map(d -> d.format(name)).toList());
                checked.add(name);
            }
        }
        assertTrue(checked.containsAll(expected.keySet()), "expected-diagnostics.txt names a missing file: " + expected.keySet());
        assertTrue(checked.size() >= 15, checked::toString);
    }

    @Test
    void oneModelWrittenInTheThreeFormsBindsToTheSameEngineConfig() throws Exception {
        String seeds = resolved("llama-v0.2.yaml");
        assertEquals(seeds, resolved("llama-v0.3.yaml"));
        assertEquals(seeds, resolved("llama-v0.4.yaml"));
        TrainingConfig v04 = ConfigBinder.training(tree("llama-v0.4.yaml"));
        assertEquals(8, v04.batch().batchSize());
        assertEquals(4096, v04.batch().sequenceLength());
        assertEquals(1, v04.batch().microBatchSize());
        assertFalse(v04.batch().crossDocumentAttention());
        assertEquals(64, v04.model().baseModel().transformer().kvChannels());
        assertEquals(4, v04.model().baseModel().transformer().numLayers());
        assertFalse(v04.model().baseModel().tieWordEmbeddings());
        assertEquals("validation", v04.training().evaluators().get("validation").evaluator().datasetName("validation"));
        assertEquals(25, v04.training().evaluators().get("validation").evaluator().iterations());
    }

    @Test
    void factsReadTheLaterFormsToo() throws Exception {
        for (String name : List.of("llama-v0.2.yaml", "llama-v0.3.yaml", "llama-v0.4.yaml")) {
            assertEquals(8L * 4096, org.trainbench.engine.config.check.ConfigFacts.tokensPerStep(tree(name)).orElseThrow(), name);
            assertEquals(org.trainbench.engine.config.check.ConfigFacts.parameterCount(tree("llama-v0.2.yaml")).orElseThrow(),
                    org.trainbench.engine.config.check.ConfigFacts.parameterCount(tree(name)).orElseThrow(), name);
        }
    }

    @Test
    void eachFormIsRecognizedFromItsKeys() throws Exception {
        assertEquals(FastLlmVersion.V0_2, FormMapping.form(tree("llama-v0.2.yaml")).version().orElseThrow());
        assertEquals(FastLlmVersion.V0_3, FormMapping.form(tree("llama-v0.3.yaml")).version().orElseThrow());
        assertEquals(FastLlmVersion.V0_4, FormMapping.form(tree("llama-v0.4.yaml")).version().orElseThrow());
        assertTrue(FormMapping.form(tree("mixed-batch-and-micro-batch.yaml")).mixed());
    }

    @Test
    void fastLlmDefaultsOfTheNewFormsApplyWhereTheyDifferFromTheSeeds() throws Exception {
        TrainingConfig config = ConfigBinder.training(YamlParser.parse("""
                model:
                  base_model:
                    hidden_size: 2048
                    decoder: {num_blocks: 2}
                run: {experiment_dir: x}
                """));
        var base = config.model().baseModel();
        assertEquals(128, base.transformer().kvChannels(), "0.3/0.4 head_size defaults to 128, not hidden_size / heads");
        assertEquals(4096, base.transformer().ffnHiddenSize(), "0.3/0.4 intermediate_size defaults to 4096, not 4 * hidden_size");
        assertFalse(base.tieWordEmbeddings(), "tied_embedding_weight defaults to false");
        assertFalse(base.usePositionEmbeddings(), "position embeddings are off unless enabled");
        assertEquals(2048, base.transformer().hiddenSize());
    }

    @Test
    void blendedDatasetsKeepTheirPartsAndWeights() throws Exception {
        TrainingConfig config = ConfigBinder.training(tree("blended-v0.4.yaml"));
        var training = config.data().datasets().get("training");
        assertEquals(DatasetType.BLENDED, training.type());
        assertEquals(List.of(0.75, 0.25), training.weights());
        assertEquals(DatasetType.MEMMAP, training.datasets().get(0).type());
        assertEquals(Path.of("data/web"), training.datasets().get(0).path());
    }

    @Test
    void preparationInTheNewFormReadsItsSourceSchema() throws Exception {
        PreparationConfig config = ConfigBinder.preparation(tree("prepare-v0.4.yaml"));
        assertEquals("content", config.dataset().field());
        assertEquals("spans", config.dataset().lossMaskingSpans());
        assertEquals(8, config.tokenizeWorkers());
    }

    private static String resolved(String name) throws Exception {
        return ResolvedConfig.yaml(ConfigBinder.training(tree(name)));
    }

    private static YamlNode tree(String name) throws Exception {
        return YamlParser.parse(Files.readString(CORPUS.resolve(name)));
    }

    private static Map<String, List<String>> expected() throws IOException {
        Map<String, List<String>> expected = new TreeMap<>();
        for (String line : Files.readAllLines(CORPUS.resolve("expected-diagnostics.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.trim().split("\\s+");
            expected.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(parts[1] + " " + parts[2]);
        }
        return expected;
    }
}
