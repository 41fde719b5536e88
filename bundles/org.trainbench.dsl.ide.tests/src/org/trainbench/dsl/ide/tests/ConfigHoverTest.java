package org.trainbench.dsl.ide.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.dsl.ide.tests.Configs.SERVICES;

import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.xtext.ide.server.Document;
import org.eclipse.xtext.ide.server.hover.IHoverService;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.testing.InjectWith;
import org.eclipse.xtext.testing.extensions.InjectionExtension;
import org.eclipse.xtext.util.CancelIndicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.trainbench.dsl.ide.hover.ConfigHover.HoverText;

import com.google.inject.Inject;

/** Hover: the schema's doc, type, default and range, and facts computed from the config. */
@ExtendWith(InjectionExtension.class)
@InjectWith(TrainbenchConfigIdeInjectorProvider.class)
class ConfigHoverTest {

	private static final String FROM_SCRATCH = "llama-3.1-8b-pretrain-from-scratch.yaml";

	@Inject
	private IHoverService hoverService;

	@Test
	void aKeyShowsItsDocTypeDefaultAndRange() {
		XtextResource resource = SERVICES.parse("training:\n  checkpoint:\n    keep: 5\n", null);
		String text = Configs.Cursor.of("training:\n  checkpoint:\n    ke|ep: 5\n").text();
		HoverText hover = SERVICES.hover(resource, text.indexOf("keep") + 2).orElseThrow();
		assertTrue(hover.markdown().startsWith("**`training.checkpoint.keep`**"), hover.markdown());
		assertTrue(hover.markdown().contains("Type: integer >= 1"), hover.markdown());
		assertTrue(hover.markdown().contains("Range: >= 1"), hover.markdown());
		assertEquals(text.indexOf("keep"), hover.offset());
		assertEquals(4, hover.length());
	}

	@Test
	void aKeyOfALaterFormSaysWhichVersionsHaveItAndWhatTrainbenchDoesInstead() {
		String config = "model:\n  base_model:\n    decoder:\n      block:\n        mixer:\n          window_size: 4096\n  distributed:\n    compute_dtype: bf16\n";
		XtextResource resource = SERVICES.parse(config, null);
		HoverText window = SERVICES.hover(resource, config.indexOf("window_size") + 2).orElseThrow();
		assertTrue(window.markdown().contains("Size of the sliding attention window"), window.markdown());
		assertTrue(window.markdown().contains("Not honoured by Trainbench (an error unless left at its default)"), window.markdown());
		HoverText dtype = SERVICES.hover(resource, config.indexOf("compute_dtype") + 2).orElseThrow();
		assertTrue(dtype.markdown().contains("Fast-LLM 0.3 and 0.4 only."), dtype.markdown());
	}

	@Test
	void theArchitectureShowsItsParameterCount() {
		XtextResource resource = Configs.parseExample(FROM_SCRATCH);
		String text = textOf(resource);
		HoverText hover = SERVICES.hover(resource, text.indexOf("\n      hidden_size:") + 8).orElseThrow();
		assertTrue(hover.markdown().contains("Parameters of this architecture: 8.03B (8,030,261,248)"), hover.markdown());
	}

	@Test
	void theLegacyRotaryScaleShowsItsThetaAndCurrentForm() {
		XtextResource resource = Configs.parseExample(FROM_SCRATCH);
		String text = textOf(resource);
		HoverText hover = SERVICES.hover(resource, text.indexOf("rotary_embedding_scale:") + 3).orElseThrow();
		assertTrue(hover.markdown().contains("Rotary theta: exp(-(-13.122363377404328)) = 500000.0"), hover.markdown());
		assertTrue(hover.markdown().contains("Legacy key: write `model.base_model.transformer.rotary.theta` instead"), hover.markdown());
	}

	@Test
	void aValueShowsHowYamlReadsItAndTheDocOfItsChoice() {
		String text = "optimizer:\n  learning_rate:\n    decay_style: cosine\nbatch:\n  cross_document_attention: no\n";
		XtextResource resource = SERVICES.parse(text, null);
		HoverText choice = SERVICES.hover(resource, text.indexOf("cosine") + 1).orElseThrow();
		assertTrue(choice.markdown().contains("`cosine`: "), choice.markdown());
		HoverText bool = SERVICES.hover(resource, text.indexOf(" no") + 1).orElseThrow();
		assertTrue(bool.markdown().contains("Read as boolean: `false`"), bool.markdown());
	}

	@Test
	void batchKeysShowTheTokensPerStep() {
		String text = "batch:\n  sequence_length: 4096\n  batch_size: 480\n";
		HoverText hover = SERVICES.hover(SERVICES.parse(text, null), text.indexOf("batch_size")).orElseThrow();
		assertTrue(hover.markdown().contains("Tokens per step (batch_size * sequence_length): 1,966,080"), hover.markdown());
	}

	@Test
	void commentsAndUnknownKeysHaveNoHover() {
		String text = "# a comment\ntraining:\n  no_such_key: 1\n";
		XtextResource resource = SERVICES.parse(text, null);
		assertTrue(SERVICES.hover(resource, 3).isEmpty());
		assertTrue(SERVICES.hover(resource, text.indexOf("no_such_key")).isEmpty());
	}

	@Test
	void theLanguageServerHoverServiceGivesTheSameText() {
		String text = "batch:\n  micro_batch_size: 4\n";
		XtextResource resource = SERVICES.parse(text, null);
		Document document = new Document(1, text);
		int offset = text.indexOf("micro");
		Hover hover = hoverService.hover(document, resource,
				new HoverParams(new TextDocumentIdentifier("inmemory:/config.yaml"), document.getPosition(offset)),
				CancelIndicator.NullImpl);
		assertEquals(SERVICES.hover(resource, offset).orElseThrow().markdown(), hover.getContents().getRight().getValue());
		assertEquals(1, hover.getRange().getStart().getLine());
		assertEquals(2, hover.getRange().getStart().getCharacter());
	}

	private static String textOf(XtextResource resource) {
		return resource.getParseResult().getRootNode().getText();
	}
}
