package org.trainbench.engine.config.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test (at least) per issue code: a small config that breaks exactly one rule gets exactly that diagnostic, at
 * the right place, with a message that names the key and says what to do.
 */
class ConfigCheckerTest {

    /** A small, valid training config; each test changes one thing. */
    private static final String VALID = """
            training:
              train_iters: 100
              evaluators:
                validation:
                  interval: 10
                  evaluator:
                    iterations: 2
            batch:
              micro_batch_size: 2
              batch_size: 8
              sequence_length: 64
            data:
              datasets:
                training:
                  type: memmap
                  path: data/train
                validation:
                  type: memmap
                  path: data/valid
            optimizer:
              learning_rate:
                base: 3.0e-04
                minimum: 3.0e-05
                decay_style: cosine
                decay_iterations: 100
                warmup_iterations: 10
            model:
              base_model:
                vocab_size: 256
                transformer:
                  hidden_size: 64
                  num_layers: 2
                  num_attention_heads: 4
                  head_groups: 2
                  normalization:
                    type: rms_norm
            run:
              experiment_dir: out
            """;

    private static List<Diagnostic> check(String text) {
        return ConfigChecker.check(text, null);
    }

    /** The config's diagnostics, asserted to be exactly one, with this code. */
    private static Diagnostic only(String code, String text) {
        List<Diagnostic> diagnostics = check(text);
        assertEquals(List.of(code), diagnostics.stream().map(Diagnostic::code).toList(), diagnostics::toString);
        return diagnostics.getFirst();
    }

    private static void assertAt(Diagnostic diagnostic, int line, int column) {
        assertEquals(line + ":" + column, diagnostic.range().line() + ":" + diagnostic.range().column(), diagnostic::toString);
    }

    private static String replace(String from, String to) {
        assertTrue(VALID.contains(from), from);
        return VALID.replace(from, to);
    }

    @Test
    void validConfigHasNoDiagnostics() {
        assertEquals(List.of(), check(VALID));
    }

    @Test
    void syntaxError() {
        Diagnostic d = only(IssueCodes.SYNTAX_ERROR, replace("decay_style: cosine", "decay_style: !!str cosine"));
        assertEquals(Severity.ERROR, d.severity());
        assertAt(d, 24, 18);
        assertTrue(d.message().contains("tags"), d.message());
    }

    @Test
    void unknownConfigKind() {
        Diagnostic d = only(IssueCodes.UNKNOWN_CONFIG_KIND, "trainin:\n  train_iters: 3\n");
        assertAt(d, 1, 1);
        assertEquals("training", d.data().get(Diagnostic.DATA_SUGGESTED_KEY));
        assertEquals(IssueCodes.UNKNOWN_CONFIG_KIND, only(IssueCodes.UNKNOWN_CONFIG_KIND, "# nothing\n").code());
        assertTrue(only(IssueCodes.UNKNOWN_CONFIG_KIND, "- a\n- b\n").message().contains("list"));
    }

    @Test
    void unknownKeySuggestsTheClosestSibling() {
        Diagnostic d = only(IssueCodes.UNKNOWN_KEY, replace("      hidden_size: 64", "      hiden_size: 64\n      hidden_size: 64"));
        assertAt(d, 31, 7);
        assertEquals("model.base_model.transformer.hiden_size", d.keyPath());
        assertEquals("hidden_size", d.data().get(Diagnostic.DATA_SUGGESTED_KEY));
        assertEquals("Unknown key `hiden_size` in `model.base_model.transformer`: did you mean `hidden_size`?", d.message());
    }

    @Test
    void unknownKeyThatLivesElsewhereSaysWhere() {
        Diagnostic d = only(IssueCodes.UNKNOWN_KEY, replace("  sequence_length: 64", "  sequence_length: 64\n  weight_decay: 0.1"));
        assertEquals("`weight_decay` is not a key of `batch`: it belongs in `optimizer`; move it there", d.message());
    }

    @Test
    void unknownKeyWithoutCloseMatchListsTheKeys() {
        Diagnostic d = only(IssueCodes.UNKNOWN_KEY, replace("run:\n", "run:\n  colour: blue\n"));
        assertEquals("Unknown key `colour` in `run`: remove it, or use one of: experiment_dir", d.message());
    }

    @Test
    void wrongType() {
        Diagnostic d = only(IssueCodes.WRONG_TYPE, replace("  batch_size: 8", "  batch_size: eight"));
        assertAt(d, 10, 15);
        assertEquals("`batch.batch_size` needs an integer >= 1, found the string \"eight\": write a whole number such as 4096"
                + " (underscores allowed: 100_000)", d.message());
        Diagnostic quoted = only(IssueCodes.WRONG_TYPE, replace("  batch_size: 8", "  batch_size: \"8\""));
        assertTrue(quoted.message().endsWith("remove the quotes"), quoted.message());
        assertEquals("8", quoted.data().get(Diagnostic.DATA_SUGGESTED_VALUE));
        Diagnostic section = only(IssueCodes.WRONG_TYPE, replace("run:\n  experiment_dir: out", "run: out"));
        assertTrue(section.message().startsWith("`run` needs a section, found the string \"out\""), section.message());
        Diagnostic norwegian = only(IssueCodes.WRONG_TYPE, replace("experiment_dir: out", "experiment_dir: no"));
        assertEquals("\"no\"", norwegian.data().get(Diagnostic.DATA_SUGGESTED_VALUE));
        assertTrue(norwegian.message().contains("YAML reads yes/no/on/off/true/false as booleans"), norwegian.message());
        Diagnostic floatForInt = only(IssueCodes.WRONG_TYPE, replace("train_iters: 100", "train_iters: 100.0"));
        assertEquals("100", floatForInt.data().get(Diagnostic.DATA_SUGGESTED_VALUE));
        Diagnostic empty = only(IssueCodes.WRONG_TYPE, replace("train_iters: 100", "train_iters:"));
        assertTrue(empty.message().contains("found nothing: write a value, or remove the key to use the default 0"), empty.message());
    }

    @Test
    void floatReadAsString() {
        Diagnostic d = only(IssueCodes.FLOAT_READ_AS_STRING, replace("base: 3.0e-04", "base: 3e-4"));
        assertAt(d, 22, 11);
        assertEquals("3.0e-04", d.data().get(Diagnostic.DATA_SUGGESTED_VALUE));
        assertTrue(d.message().contains("YAML 1.1"), d.message());
    }

    @Test
    void outOfRange() {
        Diagnostic d = only(IssueCodes.OUT_OF_RANGE, replace("  train_iters: 100\n", "  train_iters: 100\n  checkpoint:\n    keep: 0\n"));
        assertEquals("training.checkpoint.keep", d.keyPath());
        assertEquals("`training.checkpoint.keep` must be >= 1, found 0: set a value in range, or remove the key to leave it"
                + " unset", d.message());
        Diagnostic beta = only(IssueCodes.OUT_OF_RANGE, replace("optimizer:\n", "optimizer:\n  beta_2: 1.5\n"));
        assertTrue(beta.message().startsWith("`optimizer.beta_2` must be between 0 and 1, found 1.5"), beta.message());
        Diagnostic huge = only(IssueCodes.OUT_OF_RANGE, replace("num_layers: 2", "num_layers: 99999999999"));
        assertTrue(huge.message().contains("too large"), huge.message());
    }

    @Test
    void notAllowedValue() {
        Diagnostic d = only(IssueCodes.NOT_ALLOWED_VALUE, replace("decay_style: cosine", "decay_style: cosin"));
        assertAt(d, 24, 18);
        assertEquals("cosine", d.data().get(Diagnostic.DATA_SUGGESTED_VALUE));
        assertEquals("`optimizer.learning_rate.decay_style` cannot be cosin: expected one of constant, linear, cosine;"
                + " did you mean `cosine`?", d.message());
    }

    @Test
    void choiceAliasesAreAccepted() {
        assertEquals(List.of(), check(replace("run:", "  distributed:\n    training_dtype: bf16\nrun:")));
    }

    @Test
    void duplicateKey() {
        Diagnostic d = only(IssueCodes.DUPLICATE_KEY, replace("  batch_size: 8", "  batch_size: 8\n  batch_size: 8"));
        assertAt(d, 11, 3);
        assertEquals("10", d.data().get(Diagnostic.DATA_FIRST_LINE));
        assertEquals("`batch.batch_size` is written twice (first on line 10); only this last value would be used:"
                + " remove one of them", d.message());
    }

    @Test
    void missingRequiredKeyAndSection() {
        Diagnostic key = only(IssueCodes.MISSING_REQUIRED, replace("run:\n  experiment_dir: out\n", "run:\n"));
        assertAt(key, 37, 1);
        assertEquals("run.experiment_dir", key.data().get(Diagnostic.DATA_MISSING_KEY));
        assertTrue(key.message().startsWith("Missing `run.experiment_dir`: Directory where the run writes everything"),
                key.message());
        Diagnostic section = only(IssueCodes.MISSING_REQUIRED, replace("run:\n  experiment_dir: out\n", ""));
        assertEquals("run", section.data().get(Diagnostic.DATA_MISSING_KEY));
        assertTrue(section.message().startsWith("Missing section `run` (with experiment_dir)"), section.message());
        Diagnostic datasetPath = only(IssueCodes.MISSING_REQUIRED, replace("      path: data/valid\n", ""));
        assertEquals("data.datasets.validation.path", datasetPath.keyPath());
    }

    @Test
    void legacyKeyIsAWarningWithItsCurrentForm() {
        Diagnostic d = only(IssueCodes.LEGACY_KEY, replace("    head_groups: 2\n", "    head_groups: 2\n      rotary_embedding_scale: -9.210340371976184\n"));
        assertEquals(Severity.WARNING, d.severity());
        assertEquals("model.base_model.transformer.rotary.theta", d.data().get(Diagnostic.DATA_REPLACEMENT_PATH));
        assertEquals("10000.0", d.data().get(Diagnostic.DATA_REPLACEMENT_VALUE));
        assertEquals("model.base_model.transformer.rotary_embedding_scale", d.data().get(Diagnostic.DATA_REPLACED_KEYS));
        Diagnostic scaling = only(IssueCodes.LEGACY_KEY, replace("        type: rms_norm\n", "        type: rms_norm\n      rotary:\n        scaling_type: llama3\n"));
        assertEquals("`model.base_model.transformer.rotary.scaling_type` is a legacy key: write"
                + " `model.base_model.transformer.rotary.type: llama3` instead", scaling.message());
    }

    @Test
    void unsupportedByEngine() {
        Diagnostic d = only(IssueCodes.UNSUPPORTED_BY_ENGINE, replace("type: rms_norm", "type: layer_norm"));
        assertEquals(Severity.WARNING, d.severity());
        assertEquals("rms_norm", d.data().get(Diagnostic.DATA_SUGGESTED_VALUE));
        assertTrue(d.message().contains("supports only rms_norm"), d.message());
    }

    @Test
    void architectureUndefined() {
        String text = VALID.substring(0, VALID.indexOf("model:")) + "run:\n  experiment_dir: out\n";
        Diagnostic d = only(IssueCodes.ARCHITECTURE_UNDEFINED, text);
        assertAt(d, 1, 1);
        assertEquals("model.base_model.transformer", d.data().get(Diagnostic.DATA_MISSING_KEY));
    }

    @Test
    void headsNotDivisibleByHeadGroupsSuggestsTheClosestDivisor() {
        Diagnostic d = only(IssueCodes.HEADS_NOT_DIVISIBLE, replace("head_groups: 2", "head_groups: 3"));
        assertAt(d, 34, 20);
        assertEquals("4", d.data().get(Diagnostic.DATA_SUGGESTED_VALUE));
        assertTrue(d.message().startsWith("`num_attention_heads` (4) must be a multiple of `head_groups` (3)"), d.message());
    }

    @Test
    void headsAndGroupsAreCheckedAgainstDefaultsWhenNotPretrained() {
        Diagnostic d = only(IssueCodes.HEADS_NOT_DIVISIBLE, replace("      num_attention_heads: 4\n", "")
                .replace("head_groups: 2", "head_groups: 3"));
        assertTrue(d.message().startsWith("`num_attention_heads` (8) must be a multiple of `head_groups` (3)"), d.message());
    }

    @Test
    void hiddenSizeMismatch() {
        Diagnostic warning = only(IssueCodes.HIDDEN_SIZE_MISMATCH, replace("head_groups: 2", "head_groups: 2\n      kv_channels: 32"));
        assertEquals(Severity.WARNING, warning.severity());
        assertEquals("16", warning.data().get(Diagnostic.DATA_SUGGESTED_VALUE));
        Diagnostic error = only(IssueCodes.HIDDEN_SIZE_MISMATCH, replace("hidden_size: 64", "hidden_size: 66"));
        assertEquals(Severity.ERROR, error.severity());
        assertTrue(error.message().contains("66 is not divisible by 4"), error.message());
    }

    @Test
    void batchNotDivisibleSuggestsTheClosestMultiple() {
        Diagnostic d = only(IssueCodes.BATCH_NOT_DIVISIBLE, replace("batch_size: 8", "batch_size: 7"));
        assertAt(d, 10, 15);
        assertEquals("8", d.data().get(Diagnostic.DATA_SUGGESTED_VALUE));
    }

    @Test
    void learningRateScheduleOrderIsAWarning() {
        Diagnostic longDecay = only(IssueCodes.LR_SCHEDULE_ORDER, replace("decay_iterations: 100", "decay_iterations: 200"));
        assertEquals(Severity.WARNING, longDecay.severity());
        assertEquals("100", longDecay.data().get(Diagnostic.DATA_SUGGESTED_VALUE));
        Diagnostic longWarmup = only(IssueCodes.LR_SCHEDULE_ORDER, replace("warmup_iterations: 10", "warmup_iterations: 100"));
        assertTrue(longWarmup.message().contains("never decays"), longWarmup.message());
    }

    @Test
    void learningRateMinimumAboveBase() {
        Diagnostic d = only(IssueCodes.LR_MINIMUM_ABOVE_BASE, replace("minimum: 3.0e-05", "minimum: 3.0e-03"));
        assertEquals("optimizer.learning_rate.minimum", d.keyPath());
        assertAt(d, 23, 14);
    }

    @Test
    void rotaryThetaConflict() {
        String both = replace("        type: rms_norm\n", "        type: rms_norm\n      rotary:\n        type: default\n"
                + "        theta: 500000\n      rotary_embedding_scale: -9.210340371976184\n");
        List<Diagnostic> diagnostics = check(both);
        assertEquals(List.of(IssueCodes.LEGACY_KEY, IssueCodes.ROTARY_THETA_CONFLICT),
                diagnostics.stream().map(Diagnostic::code).toList(), diagnostics::toString);
        assertTrue(diagnostics.get(1).message().contains("exp(-scale) = 10000"), diagnostics.get(1).message());
        String wrongSign = replace("        type: rms_norm\n", "        type: rms_norm\n      rotary_embedding_scale: 13.1\n");
        assertTrue(check(wrongSign).stream().anyMatch(d -> d.code().equals(IssueCodes.ROTARY_THETA_CONFLICT)
                && d.message().contains("Check the sign")));
    }

    @Test
    void unknownEvaluatorDataset() {
        Diagnostic d = only(IssueCodes.UNKNOWN_EVALUATOR_DATASET, replace("        iterations: 2", "        iterations: 2\n        dataset_name: validaton"));
        assertEquals("validation", d.data().get(Diagnostic.DATA_SUGGESTED_VALUE));
        assertAt(d, 8, 23);
        Diagnostic byName = only(IssueCodes.UNKNOWN_EVALUATOR_DATASET, replace("    validation:\n      interval", "    heldout:\n      interval"));
        assertTrue(byName.message().startsWith("Evaluator `heldout` reads dataset `heldout`"), byName.message());
    }

    @Test
    void missingTrainingDataset() {
        Diagnostic d = only(IssueCodes.MISSING_TRAINING_DATASET, replace("    training:\n      type: memmap\n      path: data/train\n", ""));
        assertEquals("data.datasets.training", d.data().get(Diagnostic.DATA_MISSING_KEY));
    }

    @Test
    void pretrainedWithoutPath() {
        Diagnostic d = only(IssueCodes.PRETRAINED_WITHOUT_PATH, replace("run:", "pretrained:\n  format: llama\nrun:"));
        assertTrue(d.message().contains("model_weights is on"), d.message());
        Diagnostic architectureOnly = only(IssueCodes.PRETRAINED_WITHOUT_PATH,
                replace("run:", "pretrained:\n  model_weights: no\nrun:"));
        assertTrue(architectureOnly.message().contains("architecture would be read from nowhere"), architectureOnly.message());
    }

    @Test
    void anExportSectionWithoutIntervalIsAWarningBecauseFastLlmThenWritesNoExport() {
        Diagnostic d = only(IssueCodes.EXPORT_WITHOUT_INTERVAL, replace("  train_iters: 100\n", "  train_iters: 100\n  export:\n    format: llama\n"));
        assertEquals(Severity.WARNING, d.severity());
        assertAt(d, 3, 3);
        assertTrue(d.message().contains("writes none, not even after the last step") && d.message().contains("training.export.interval (100"),
                d.message());
        assertEquals("training.export.interval", d.data().get(Diagnostic.DATA_MISSING_KEY));
        assertEquals(List.of(), check(replace("  train_iters: 100\n", "  train_iters: 100\n  export:\n    format: llama\n    interval: 50\n")));
    }

    @Test
    void fileNotFoundIsAWarningRelativeToTheConfigFile(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/train.bin"), "");
        Files.writeString(dir.resolve("data/train"), "");
        Path config = dir.resolve("config.yaml");
        List<Diagnostic> diagnostics = ConfigChecker.check(VALID, config);
        assertEquals(List.of("data.datasets.validation.path"), diagnostics.stream().map(Diagnostic::keyPath).toList());
        Diagnostic d = diagnostics.getFirst();
        assertEquals(IssueCodes.FILE_NOT_FOUND, d.code());
        assertEquals(Severity.WARNING, d.severity());
        assertTrue(d.message().contains(dir.resolve("data/valid").toString()), d.message());
    }

    @Test
    void architectureKeysThatDisagreeWithThePretrainedModelAreErrorsNamingBothValues(@TempDir Path dir) throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.copy(org.trainbench.engine.TestFixtures.path("hf-tiny-llama/model/config.json"), model.resolve("config.json"));
        Files.createDirectories(dir.resolve("data"));
        for (String name : List.of("train", "valid")) {
            Files.writeString(dir.resolve("data/" + name + ".idx"), "");
        }
        // The tiny model: hidden 64, 2 layers, 4 heads, 2 groups, vocab 256, rope theta 500000.
        String agreeing = VALID.replace("run:", "pretrained:\n  format: llama\n  path: model\nrun:");
        assertEquals(List.of(), ConfigChecker.check(agreeing, dir.resolve("config.yaml")));

        String disagreeing = agreeing.replace("num_layers: 2", "num_layers: 3").replace("vocab_size: 256", "vocab_size: 512");
        List<Diagnostic> diagnostics = ConfigChecker.check(disagreeing, dir.resolve("config.yaml"));
        assertEquals(List.of("model.base_model.transformer.num_layers", "model.base_model.vocab_size"),
                diagnostics.stream().map(Diagnostic::keyPath).sorted().toList(), diagnostics::toString);
        Diagnostic layers = diagnostics.stream().filter(d -> d.keyPath().endsWith("num_layers")).findFirst().orElseThrow();
        assertEquals(IssueCodes.PRETRAINED_ARCHITECTURE_MISMATCH, layers.code());
        assertEquals(Severity.ERROR, layers.severity());
        assertEquals("2", layers.data().get(Diagnostic.DATA_SUGGESTED_VALUE));
        assertTrue(layers.message().contains("is 3, but the pretrained model has 2"), layers.message());
        assertTrue(layers.message().contains(model.resolve("config.json").toString()), layers.message());
        assertEquals(disagreeing.indexOf("num_layers: 3") + "num_layers: ".length(), layers.range().offset());
    }

    @Test
    void hubDatasetNamesAreNotCheckedAsFiles(@TempDir Path dir) {
        String prepare = "output_path: out\ndataset:\n  path: Magpie-Align/Magpie-Llama-3.1-Pro-MT-300K-Filtered\n"
                + "tokenizer:\n  path: ./tok\n";
        List<Diagnostic> diagnostics = ConfigChecker.check(prepare, dir.resolve("prepare.yaml"));
        assertEquals(List.of("tokenizer.path"), diagnostics.stream().map(Diagnostic::keyPath).toList());
    }

    @Test
    void everyIssueCodeIsPublishedOnceAndKebabCase() {
        Set<String> codes = new TreeSet<>(IssueCodes.ALL);
        assertEquals(IssueCodes.ALL.size(), codes.size());
        assertTrue(codes.stream().allMatch(c -> c.matches("[a-z0-9]+(-[a-z0-9]+)*")), codes::toString);
        Set<String> declared = java.util.Arrays.stream(IssueCodes.class.getFields())
                .filter(f -> f.getType() == String.class).map(f -> {
                    try {
                        return (String) f.get(null);
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(declared, codes);
    }

    @Test
    void diagnosticsAreSortedByPosition() {
        List<Diagnostic> diagnostics = check(replace("batch_size: 8", "batch_size: 7").replace("decay_style: cosine", "decay_style: cos"));
        assertEquals(2, diagnostics.size());
        assertTrue(diagnostics.get(0).range().offset() < diagnostics.get(1).range().offset());
    }

    @Test
    void diagnosticFormatIsTheCliLine() {
        Diagnostic d = new Diagnostic(Severity.WARNING, IssueCodes.FILE_NOT_FOUND, "missing",
                new org.trainbench.engine.config.yaml.SourceRange(3, 9, 40, 5), "pretrained.path", Map.of());
        assertEquals("a.yaml:3:9: warning: missing [file-not-found]", d.format("a.yaml"));
    }
}
