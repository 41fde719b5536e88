package org.trainbench.dsl.ide.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.dsl.ide.tests.Configs.SERVICES;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.eclipse.xtext.ide.editor.contentassist.ContentAssistContext;
import org.eclipse.xtext.ide.editor.contentassist.ContentAssistEntry;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalAcceptor;
import org.eclipse.xtext.ide.editor.contentassist.IdeContentProposalProvider;
import org.eclipse.xtext.ide.editor.contentassist.antlr.ContentAssistContextFactory;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.testing.InjectWith;
import org.eclipse.xtext.testing.extensions.InjectionExtension;
import org.eclipse.xtext.util.TextRegion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.dsl.ide.contentassist.SectionTemplate;
import org.trainbench.dsl.ide.tests.Configs.Cursor;
import org.trainbench.engine.config.check.ConfigChecker;
import org.trainbench.engine.config.check.ConfigFacts;
import org.trainbench.engine.config.check.Diagnostic;
import org.trainbench.engine.config.yaml.YamlParser;

import com.google.inject.Inject;
import com.google.inject.Provider;

/** Completion per context: keys, values, booleans, allowed values, defaults, file paths, templates. */
@ExtendWith(InjectionExtension.class)
@InjectWith(TrainbenchConfigIdeInjectorProvider.class)
class ConfigCompletionTest {

	@Inject
	private Provider<ContentAssistContextFactory> contextFactories;
	@Inject
	private IdeContentProposalProvider proposalProvider;
	@Inject
	private Provider<IdeContentProposalAcceptor> acceptors;

	@Test
	void keysOfTheEnclosingSectionAreProposedExceptThoseWritten() {
		List<ContentAssistEntry> entries = complete(null, """
				training:
				  train_iters: 100
				  |
				  test_iters: 0
				batch:
				  batch_size: 8
				""");
		List<String> labels = labels(entries);
		assertTrue(labels.containsAll(List.of("logs", "evaluators", "checkpoint", "export")), labels::toString);
		assertFalse(labels.contains("train_iters"), "written above");
		assertFalse(labels.contains("test_iters"), "written below");
		assertFalse(labels.contains("batch_size"), "belongs to batch");
		ContentAssistEntry logs = entries.get(labels.indexOf("logs"));
		assertEquals("logs:\n    ", logs.getProposal(), "a section opens its block, indented");
		assertEquals("section", logs.getDescription());
		assertTrue(logs.getDocumentation().startsWith("Periodic logging of the training metrics."), logs.getDocumentation());
	}

	@Test
	void keysAreProposedInTheFastLlmFormOfTheDocument() {
		List<String> v04 = labels(complete(null, """
				data:
				  micro_batch_size: 4096
				model:
				  base_model:
				    |
				"""));
		assertTrue(v04.containsAll(List.of("decoder", "embeddings", "head", "hidden_size", "tied_embedding_weight")), v04::toString);
		assertFalse(v04.contains("transformer"), "the seeds' form, not Fast-LLM 0.4's");
		assertFalse(v04.contains("tie_word_embeddings"), "the seeds' form, not Fast-LLM 0.4's");
		ContentAssistEntry architecture = complete(null, """
				data:
				  micro_batch_size: 4096
				model:
				  base_model:
				    |
				""").stream().filter(e -> e.getLabel().equals("Llama 3.1 8B architecture")).findFirst().orElseThrow();
		assertTrue(architecture.getProposal().contains("decoder:") && !architecture.getProposal().contains("transformer:"),
				"the template in the document's form: " + architecture.getProposal());
		List<String> seeds = labels(complete(null, """
				batch:
				  cross_document_attention: false
				model:
				  base_model:
				    |
				"""));
		assertTrue(seeds.containsAll(List.of("transformer", "vocab_size", "tie_word_embeddings")), seeds::toString);
		assertFalse(seeds.contains("decoder"), "Fast-LLM 0.3 and 0.4, not the seeds' form");
		List<String> undecided = labels(complete(null, """
				model:
				  base_model:
				    |
				"""));
		assertTrue(undecided.containsAll(List.of("transformer", "decoder")), "a document of no form yet gets every form's keys");
		List<String> mixer = labels(complete(null, """
				model:
				  base_model:
				    decoder:
				      block:
				        mixer:
				          he|
				"""));
		assertEquals(List.of("heads", "head_groups", "head_size"), mixer);
	}

	@Test
	void aKeyProposalCarriesItsTypeDefaultAndDoc() {
		List<ContentAssistEntry> entries = complete(null, """
				model:
				  base_model:
				    transformer:
				      num_l|
				""");
		assertEquals(List.of("num_layers"), labels(entries));
		ContentAssistEntry entry = entries.getFirst();
		assertEquals("num_l", entry.getPrefix());
		assertEquals("num_layers: ", entry.getProposal());
		assertEquals("integer >= 0, default 12", entry.getDescription());
		assertTrue(entry.getDocumentation().contains("Number of transformer blocks."), entry.getDocumentation());
		assertTrue(entry.getDocumentation().contains("Default: 12"), entry.getDocumentation());
	}

	@Test
	void aTypedWordFindsKeysByAnyOfTheirParts() {
		List<String> labels = labels(complete(null, """
				model:
				  base_model:
				    transformer:
				      size|
				"""));
		assertTrue(labels.containsAll(List.of("hidden_size", "ffn_hidden_size")), labels::toString);
	}

	@Test
	void aBooleanValueIsProposedAsTrueAndFalse() {
		assertEquals(List.of("true", "false"), labels(complete(null, "model:\n  base_model:\n    transformer:\n      gated: |\n")));
	}

	@Test
	void aChoiceProposesItsAllowedValuesWithTheirDocs() {
		List<ContentAssistEntry> entries = complete(null, "optimizer:\n  learning_rate:\n    decay_style: |\n");
		List<String> labels = labels(entries);
		assertTrue(labels.containsAll(List.of("constant", "linear", "cosine")), labels::toString);
		List<ContentAssistEntry> typed = complete(null, "optimizer:\n  learning_rate:\n    decay_style: cos|\n");
		assertEquals(List.of("cosine"), labels(typed));
		assertFalse(typed.getFirst().getDocumentation().isEmpty(), "each allowed value is documented");
	}

	@Test
	void aNumberProposesItsDefault() {
		List<ContentAssistEntry> entries = complete(null, "optimizer:\n  weight_decay: |\n");
		assertEquals(1, entries.size(), () -> labels(entries).toString());
		assertEquals("default", entries.getFirst().getDescription());
	}

	@Test
	void aPathValueProposesFilesNextToTheConfig(@TempDir Path directory) throws Exception {
		Files.createDirectories(directory.resolve("checkpoints/Llama-3.1-8B"));
		Files.writeString(directory.resolve("checkpoints/notes.txt"), "x");
		Path config = directory.resolve("train.yaml");
		List<ContentAssistEntry> entries = complete(config, "pretrained:\n  path: ./checkpoints/L|\n");
		assertEquals(List.of("./checkpoints/Llama-3.1-8B/"), entries.stream().map(ContentAssistEntry::getProposal).toList());
		assertEquals("./checkpoints/L", entries.getFirst().getPrefix());
		List<String> all = labels(complete(config, "pretrained:\n  path: checkpoints/|\n"));
		assertEquals(List.of("Llama-3.1-8B/", "notes.txt"), all);
	}

	@Test
	void theLlamaTemplateInsertsAnArchitectureOf8BillionParameters() throws Exception {
		Cursor cursor = Cursor.of("batch:\n  batch_size: 8\n|\nrun:\n  experiment_dir: out\n");
		ContentAssistEntry template = byLabel(complete(null, cursor), SectionTemplate.LLAMA_3_1_8B.name());
		String text = insert(cursor, template);
		OptionalLong parameters = ConfigFacts.parameterCount(YamlParser.parse(text));
		assertEquals(8_030_261_248L, parameters.orElseThrow());
		assertFalse(ConfigChecker.check(text, null).stream().anyMatch(d -> d.code().equals("architecture-undefined")));
	}

	@Test
	void theLlamaTemplateFillsInWhatAnExistingModelSectionLacks() throws Exception {
		Cursor cursor = Cursor.of("model:\n  multi_stage:\n    zero_stage: 2\n  |\n");
		String text = insert(cursor, byLabel(complete(null, cursor), SectionTemplate.LLAMA_3_1_8B.name()));
		assertEquals(8_030_261_248L, ConfigFacts.parameterCount(YamlParser.parse(text)).orElseThrow());
	}

	@Test
	void theSftDataTemplateGivesTheGuidesDataSection() throws Exception {
		Cursor cursor = Cursor.of("training:\n  train_iters: 5_000\n|\n");
		String text = insert(cursor, byLabel(complete(null, cursor), SectionTemplate.SFT_DATA.name()));
		Object data = ((java.util.Map<?, ?>) YamlParser.parse(text).plainValue()).get("data");
		assertEquals(false, ((java.util.Map<?, ?>) data).get("truncate_documents"));
		assertEquals(true, ((java.util.Map<?, ?>) ((java.util.Map<?, ?>) data).get("sampling")).get("use_loss_masking_spans"));
	}

	@Test
	void everyTemplateUsesOnlyKeysAndValuesOfTheSchema() {
		for (SectionTemplate template : SectionTemplate.ALL) {
			List<String> problems = ConfigChecker.check(template.body(), null).stream()
					.filter(d -> List.of("unknown-key", "wrong-type", "not-allowed-value", "out-of-range", "legacy-key")
							.contains(d.code()))
					.map(Diagnostic::message).toList();
			assertEquals(List.of(), problems, template.name());
		}
	}

	@Test
	void anEmptyConfigProposesTheTopLevelKeysOfBothKinds() {
		List<String> labels = labels(complete(null, "|"));
		assertTrue(labels.containsAll(List.of("training", "batch", "model", "run", "output_path", "tokenizer")), labels::toString);
	}

	@Test
	void anEntryOfANamedMapTakesItsKeysFromTheMapsElement() {
		// data.datasets maps any name to a dataset section
		List<String> labels = labels(complete(null, "data:\n  datasets:\n    my_split:\n      type: file\n      |\n"));
		assertEquals(List.of("path", "datasets", "weights"), labels, "datasets and weights are a blended dataset's");
	}

	@Test
	void nothingIsProposedInsideAComment() {
		assertEquals(List.of(), complete(null, "training:\n  train_iters: 100  # more |\n"));
	}

	@Test
	void xtextsContentAssistContextsGiveTheSameProposals() throws Exception {
		Cursor cursor = Cursor.of("training:\n  train_iters: 100\n  |\n");
		XtextResource resource = SERVICES.parse(cursor.text(), null);
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			ContentAssistContextFactory factory = contextFactories.get();
			factory.setPool(pool);
			ContentAssistContext[] contexts = factory.create(cursor.text(), new TextRegion(cursor.offset(), 0),
					cursor.offset(), resource);
			IdeContentProposalAcceptor acceptor = acceptors.get();
			proposalProvider.createProposals(List.of(contexts), acceptor);
			List<String> viaFactory = new java.util.ArrayList<>();
			acceptor.getEntries().forEach(e -> viaFactory.add(e.getLabel()));
			assertEquals(labels(SERVICES.complete(resource, cursor.offset())), viaFactory);
			assertFalse(viaFactory.isEmpty());
		} finally {
			pool.shutdownNow();
		}
	}

	private static List<ContentAssistEntry> complete(Path file, String textWithBar) {
		return complete(file, Cursor.of(textWithBar));
	}

	private static List<ContentAssistEntry> complete(Path file, Cursor cursor) {
		XtextResource resource = SERVICES.parse(cursor.text(), file);
		return SERVICES.complete(resource, cursor.offset());
	}

	private static List<String> labels(List<ContentAssistEntry> entries) {
		return entries.stream().map(ContentAssistEntry::getLabel).toList();
	}

	private static ContentAssistEntry byLabel(List<ContentAssistEntry> entries, String label) {
		return entries.stream().filter(e -> e.getLabel().equals(label)).findFirst()
				.orElseThrow(() -> new AssertionError("no " + label + " among " + labels(entries)));
	}

	private static String insert(Cursor cursor, ContentAssistEntry entry) {
		int start = cursor.offset() - entry.getPrefix().length();
		return cursor.text().substring(0, start) + entry.getProposal() + cursor.text().substring(cursor.offset());
	}
}
