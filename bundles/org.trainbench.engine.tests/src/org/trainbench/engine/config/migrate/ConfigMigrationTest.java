package org.trainbench.engine.config.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.cli.ExitCodes;
import org.trainbench.engine.cli.TrainbenchCli;
import org.trainbench.engine.config.ConfigExamples;
import org.trainbench.engine.config.check.ConfigChecker;
import org.trainbench.engine.config.check.Diagnostic;
import org.trainbench.engine.config.check.IssueCodes;
import org.trainbench.engine.config.schema.ConfigBinder;
import org.trainbench.engine.config.schema.FastLlmVersion;
import org.trainbench.engine.config.schema.FormMapping;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.train.ResolvedConfig;

import picocli.CommandLine;

/** `trainbench migrate`: the result is in Fast-LLM 0.4's form, means what the source meant, and keeps its comments. */
class ConfigMigrationTest {

    private static final Path CORPUS = TestFixtures.path("config-forms");

    @Test
    void theSeedsAndTheThreeFormOfOneModelMigrateToTheSameMeaning() throws Exception {
        for (String name : List.of("llama-v0.2.yaml", "llama-v0.3.yaml")) {
            String source = Files.readString(CORPUS.resolve(name));
            ConfigMigration.Result result = ConfigMigration.toCurrent(source);
            assertEquals(FastLlmVersion.V0_4, FormMapping.form(YamlParser.parse(result.text())).version().orElseThrow(), result.text());
            assertEquals(List.of(), ConfigChecker.check(result.text(), null), name + ":\n" + result.text());
            assertEquals(resolved(source), resolved(result.text()), name + ":\n" + result.text());
        }
    }

    @Test
    void theSftExampleMigratesToTheSameRunWithItsComments() throws Exception {
        String source = ConfigExamples.text(ConfigExamples.SFT_TRAIN);
        ConfigMigration.Result result = ConfigMigration.toCurrent(source);
        assertEquals(FastLlmVersion.V0_2, result.from());
        assertSameRun(source, result.text(), "cross_entropy_impl");
        assertTrue(result.text().startsWith("# Instruction finetuning, step 4"), result.text());
        assertTrue(result.text().contains("  truncate_documents: no  # (2)!\n"), result.text());
        assertTrue(result.text().contains("schedule:\n  depth_first_micro_batches: 32\n"), result.text());
        assertTrue(result.notes().stream().anyMatch(n -> n.contains("cross_entropy_impl")), result.notes()::toString);
    }

    @Test
    void theFromScratchExampleWritesOutTheSeedsDefaultsAndSaysWhatChanges() throws Exception {
        String source = ConfigExamples.text(ConfigExamples.PRETRAIN_FROM_SCRATCH);
        ConfigMigration.Result result = ConfigMigration.toCurrent(source);
        String text = result.text();
        assertTrue(text.contains("    hidden_size: 4096  # (1)!\n"), text);
        assertTrue(text.contains("          rotary:\n            type: llama3\n            theta: 500000.0\n"), "legacy rotary keys in their current form:\n" + text);
        assertTrue(text.contains("    tied_embedding_weight: false\n"), text);
        assertFalse(text.contains("transformer"), text);
        assertTrue(result.notes().stream().anyMatch(n -> n.contains("always keeps attention within each document")), result.notes()::toString);
        List<String> errors = ConfigChecker.check(text, null).stream().filter(d -> d.severity() == org.trainbench.engine.config.check.Severity.ERROR)
                .map(Diagnostic::message).toList();
        assertEquals(List.of(), errors);
        // Same model, optimizer and 480 sequences of 4096 tokens per step; a step accumulates 480 micro-batches of one
        // sequence instead of 120 of four; attention across documents cannot be written in 0.4.
        assertSameResolved(withoutSection(resolved(source), "data"), withoutSection(resolved(text), "data"), text,
                "cross_document_attention", "use_loss_masking_spans", "micro_batch_size", "cross_entropy_impl");
        // The legacy dataset (one file split by ratios) names the split files `trainbench prepare` writes.
        assertTrue(text.contains("  datasets: {training: {type: file, path: fast-llm-tutorial/dataset/fast_llm_config_training.yaml}"), text);
        assertFalse(text.contains("split:"), text);
    }

    /** A resolved config without one of its top-level sections. */
    private static String withoutSection(String yaml, String section) {
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        for (String line : yaml.split("\n")) {
            if (!line.startsWith(" ")) {
                skipping = line.startsWith(section + ":");
            }
            if (!skipping) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** The two configs resolve to the same engine config except for lines of the keys named. */
    private static void assertSameRun(String source, String migrated, String... differing) throws Exception {
        assertSameResolved(resolved(source), resolved(migrated), migrated, differing);
    }

    private static void assertSameResolved(String resolvedSource, String resolvedMigrated, String migrated, String... differing) {
        List<String> before = List.of(resolvedSource.split("\n"));
        List<String> after = List.of(resolvedMigrated.split("\n"));
        assertEquals(before.size(), after.size(), migrated);
        for (int i = 0; i < before.size(); i++) {
            String line = before.get(i);
            if (!line.equals(after.get(i))) {
                assertTrue(java.util.Arrays.stream(differing).anyMatch(key -> line.strip().startsWith(key + ":")),
                        line + " became " + after.get(i) + " in\n" + migrated);
            }
        }
    }

    @Test
    void theSeedsPreparationConfigMigratesToNumWorkersAndSourceSchema() throws Exception {
        String source = ConfigExamples.text(ConfigExamples.SFT_PREPARE);
        ConfigMigration.Result result = ConfigMigration.toCurrent(source);
        assertTrue(result.text().contains("num_workers: 32\n"), result.text());
        assertTrue(result.text().contains("  source_schema:\n    text: text\n    loss_masking_spans: spans\n"), result.text());
        assertEquals(List.of(), ConfigChecker.check(result.text(), null));
        var before = ConfigBinder.preparation(YamlParser.parse(source));
        var after = ConfigBinder.preparation(YamlParser.parse(result.text()));
        assertEquals(before.dataset().field(), after.dataset().field());
        assertEquals(before.dataset().lossMaskingSpans(), after.dataset().lossMaskingSpans());
        assertEquals(before.tokenizeWorkers(), after.tokenizeWorkers());
    }

    @Test
    void aConfigInTodaysFormIsLeftAsItIsAndAMixedOneIsRefused() throws Exception {
        String current = Files.readString(CORPUS.resolve("llama-v0.4.yaml"));
        assertEquals(current, ConfigMigration.toCurrent(current).text());
        String migrated = ConfigMigration.toCurrent(Files.readString(CORPUS.resolve("llama-v0.2.yaml"))).text();
        assertEquals(migrated, ConfigMigration.toCurrent(migrated).text(), "migrating twice changes nothing");
        ConfigMigration.NotMigratableException mixed = assertThrows(ConfigMigration.NotMigratableException.class,
                () -> ConfigMigration.toCurrent(Files.readString(CORPUS.resolve("mixed-batch-and-micro-batch.yaml"))));
        assertTrue(mixed.getMessage().contains("data.micro_batch_size"), mixed.getMessage());
    }

    @Test
    void evaluatorsOnAnotherDatasetTakeItsName() throws Exception {
        ConfigMigration.Result result = ConfigMigration.toCurrent("""
                training:
                  evaluators:
                    val:
                      interval: 10
                      evaluator: {type: loss, iterations: 2, dataset_name: validation}
                batch: {sequence_length: 512}
                run: {experiment_dir: x}
                """);
        assertTrue(result.text().contains("    validation:\n      interval: 10\n      type: loss\n      iterations: 2\n"), result.text());
        assertTrue(result.notes().getFirst().contains("`val` read dataset `validation`"), result.notes()::toString);
    }

    @Test
    void theCommandRewritesTheFileInPlace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.copy(CORPUS.resolve("llama-v0.3.yaml"), file);
        CommandLine cli = TrainbenchCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(ExitCodes.OK, cli.execute("migrate", file.toString(), "--to", "0.4", "--in-place"), err.toString());
        String text = Files.readString(file);
        assertTrue(text.contains("schedule:\n  depth_first_micro_batches: 8\n"), text);
        assertFalse(text.contains("batch:\n"), text);
        assertTrue(err.toString().contains("migrated " + file + " from Fast-LLM 0.3 to 0.4"), err.toString());
        assertEquals(ExitCodes.USAGE, cli.execute("migrate", file.toString(), "--to", "0.3"));
        assertTrue(ConfigChecker.check(text, null).stream().noneMatch(d -> d.code().equals(IssueCodes.MIXED_FORMS)));
    }

    private static String resolved(String text) throws Exception {
        return ResolvedConfig.yaml(ConfigBinder.training(YamlParser.parse(text)));
    }
}
