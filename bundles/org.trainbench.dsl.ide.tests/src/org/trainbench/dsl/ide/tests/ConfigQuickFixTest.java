package org.trainbench.dsl.ide.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.dsl.ide.tests.Configs.SERVICES;

import java.nio.file.Path;
import java.util.List;

import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.xtext.ide.editor.quickfix.DiagnosticResolution;
import org.eclipse.xtext.ide.editor.quickfix.IQuickFixProvider;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.ide.server.codeActions.ICodeActionService2.Options;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.testing.InjectWith;
import org.eclipse.xtext.testing.extensions.InjectionExtension;
import org.eclipse.xtext.validation.Issue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.trainbench.dsl.ide.quickfix.ConfigFixes.Fix;
import org.trainbench.engine.config.check.ConfigFacts;
import org.trainbench.engine.config.schema.ConfigTree;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;

import com.google.inject.Inject;

/** Quick fixes per issue code: each applied to the text, then the text validated again. */
@ExtendWith(InjectionExtension.class)
@InjectWith(TrainbenchConfigIdeInjectorProvider.class)
class ConfigQuickFixTest {

	@Inject
	private IQuickFixProvider quickFixProvider;

	@Test
	void didYouMeanRenamesTheMisspelledKey() {
		String text = "model:\n  base_model:\n    transformer:\n      hiden_size: 4096\n";
		String fixed = fixed(text, null, "unknown-key", "Rename `hiden_size` to `hidden_size`");
		assertEquals(text.replace("hiden_size", "hidden_size"), fixed);
		assertFalse(codes(fixed, null).contains("unknown-key"));
	}

	@Test
	void anUnknownKeyCanBeRemoved() {
		String text = "batch:\n  batch_size: 8\n  colour: blue\n  micro_batch_size: 8\n";
		assertEquals("batch:\n  batch_size: 8\n  micro_batch_size: 8\n", fixed(text, null, "unknown-key", "Remove `batch.colour`"));
	}

	@Test
	void anUndefinedArchitectureGetsTheLlamaArchitectureMergedIntoTheModelSection() throws Exception {
		Path file = Configs.example("llama-3.1-8b-pretrain.yaml");
		String fixed = fixed(Configs.read(file), file, "architecture-undefined", "Add the Llama 3.1 8B architecture");
		List<String> codes = codes(fixed, file);
		assertFalse(codes.contains("architecture-undefined"), codes::toString);
		assertFalse(codes.contains("syntax-error"), codes::toString);
		YamlNode tree = YamlParser.parse(fixed);
		assertEquals(8_030_261_248L, ConfigFacts.parameterCount(tree).orElseThrow());
		assertEquals("fused", ConfigTree.scalar(tree, "model.base_model.cross_entropy_impl").orElseThrow().text(),
				"the key written before stays");
	}

	@Test
	void anUndefinedArchitectureCanGetAPretrainedSection() {
		Path file = Configs.example("llama-3.1-8b-pretrain.yaml");
		String fixed = fixed(Configs.read(file), file, "architecture-undefined", "Add a `pretrained` section");
		assertTrue(fixed.contains("\npretrained:\n  format: llama\n  path:\n  model_weights: no"), fixed);
		List<String> codes = codes(fixed, file);
		assertFalse(codes.contains("architecture-undefined"), codes::toString);
		assertTrue(codes.contains("pretrained-without-path"), "the path is left to fill in: " + codes);
	}

	@Test
	void aMissingSectionIsAddedWithItsRequiredKeys() {
		String text = "training:\n  train_iters: 10\n";
		String fixed = fixed(text, null, "missing-required", "Add section `run`");
		assertEquals("training:\n  train_iters: 10\nrun:\n  experiment_dir:\n", fixed);
	}

	@Test
	void legacyKeysMigrateToTheirCurrentForm() throws Exception {
		Path file = Configs.example("llama-3.1-8b-pretrain-from-scratch.yaml");
		String text = Configs.read(file);
		long parameters = ConfigFacts.parameterCount(YamlParser.parse(text)).orElseThrow();
		for (int round = 0; round < 10; round++) {
			XtextResource resource = SERVICES.parse(text, file);
			List<Issue> legacy = SERVICES.validate(resource).stream().filter(i -> "legacy-key".equals(i.getCode())).toList();
			if (legacy.isEmpty()) {
				break;
			}
			List<Fix> fixes = SERVICES.quickFixes(resource, legacy.getFirst()).stream().filter(f -> !f.label().startsWith("Rewrite the config"))
					.toList();
			assertEquals(1, fixes.size(), legacy.getFirst().getMessage());
			text = Configs.apply(text, fixes.getFirst());
		}
		List<String> codes = codes(text, file);
		assertFalse(codes.contains("legacy-key"), codes + "\n" + text);
		assertFalse(codes.stream().anyMatch(c -> c.equals("syntax-error") || c.equals("unknown-key")), codes::toString);
		YamlNode tree = YamlParser.parse(text);
		assertEquals("llama3", ConfigTree.scalar(tree, "model.base_model.transformer.rotary.type").orElseThrow().text());
		assertEquals(500000.0, ConfigTree.scalar(tree, "model.base_model.transformer.rotary.theta").orElseThrow().value());
		assertEquals(1000L, ConfigTree.scalar(tree, "training.evaluators.validation.interval").orElseThrow().value());
		assertEquals(parameters, ConfigFacts.parameterCount(tree).orElseThrow());
		assertTrue(text.contains("hidden_size: 4096  # (1)!"), "comments of other keys stay");
	}

	@Test
	void aConfigWithLegacyKeysCanBeRewrittenInTodaysFastLlmForm() throws Exception {
		Path file = Configs.example("llama-3.1-8b-pretrain-from-scratch.yaml");
		String text = Configs.read(file);
		String fixed = fixed(text, file, "legacy-key", "Rewrite the config in Fast-LLM 0.4's form");
		assertEquals(org.trainbench.engine.config.migrate.ConfigMigration.toCurrent(text).text(), fixed, "the same text as trainbench migrate");
		List<String> codes = codes(fixed, file);
		assertFalse(codes.stream().anyMatch(c -> c.equals("mixed-forms") || c.equals("unknown-key") || c.equals("syntax-error")),
				codes::toString);
		assertTrue(fixed.contains("    decoder:\n"), fixed);
		assertEquals(ConfigFacts.parameterCount(YamlParser.parse(text)).orElseThrow(),
				ConfigFacts.parameterCount(YamlParser.parse(fixed)).orElseThrow(), "the same model");
	}

	@Test
	void aBatchSizeIsRoundedToAMultipleOfTheMicroBatch() {
		String text = "batch:\n  micro_batch_size: 4\n  batch_size: 482\n";
		String fixed = fixed(text, null, "batch-not-divisible", "Round `batch_size` to 484");
		assertEquals("batch:\n  micro_batch_size: 4\n  batch_size: 484\n", fixed);
		assertFalse(codes(fixed, null).contains("batch-not-divisible"));
	}

	@Test
	void aDuplicateKeyLosesItsFirstOccurrence() {
		String text = "batch:\n  batch_size: 8\n  micro_batch_size: 8\n  batch_size: 16\n";
		assertEquals("batch:\n  micro_batch_size: 8\n  batch_size: 16\n",
				fixed(text, null, "duplicate-key", "Remove the first `batch_size` (line 2)"));
	}

	@Test
	void theIdeQuickFixServiceOffersTheSameFixes() {
		String text = "model:\n  base_model:\n    transformer:\n      hiden_size: 4096\n";
		XtextResource resource = SERVICES.parse(text, null);
		Issue issue = Configs.issue(SERVICES.validate(resource), "unknown-key");
		Document document = new Document(1, text);
		org.eclipse.lsp4j.Diagnostic diagnostic = new org.eclipse.lsp4j.Diagnostic(
				new org.eclipse.lsp4j.Range(document.getPosition(issue.getOffset()),
						document.getPosition(issue.getOffset() + issue.getLength())),
				issue.getMessage());
		diagnostic.setCode(Either.forLeft(issue.getCode()));
		diagnostic.setData(issue.getData());
		Options options = new Options();
		options.setDocument(document);
		options.setResource(resource);
		List<String> labels = quickFixProvider.getResolutions(options, diagnostic).stream()
				.map(DiagnosticResolution::getLabel).toList();
		assertEquals(SERVICES.quickFixes(resource, issue).stream().map(Fix::label).toList(), labels);
	}

	private static String fixed(String text, Path file, String code, String label) {
		XtextResource resource = SERVICES.parse(text, file);
		Issue issue = Configs.issue(SERVICES.validate(resource), code);
		List<Fix> fixes = SERVICES.quickFixes(resource, issue);
		Fix fix = fixes.stream().filter(f -> f.label().startsWith(label)).findFirst()
				.orElseThrow(() -> new AssertionError("no fix '" + label + "' among " + fixes.stream().map(Fix::label).toList()));
		return Configs.apply(text, fix);
	}

	private static List<String> codes(String text, Path file) {
		return Configs.codes(SERVICES.validate(SERVICES.parse(text, file)));
	}
}
