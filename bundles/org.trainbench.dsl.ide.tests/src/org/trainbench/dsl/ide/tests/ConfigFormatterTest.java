package org.trainbench.dsl.ide.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.dsl.ide.tests.Configs.SERVICES;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.xtext.resource.XtextResource;
import org.junit.jupiter.api.Test;
import org.trainbench.engine.config.yaml.YamlParser;

/** The formatter: normalized indentation and spacing, comments kept, the config's meaning unchanged. */
class ConfigFormatterTest {

	@Test
	void indentationAndSpacingAreNormalizedAndCommentsStay() {
		String messy = """
				training:
				    train_iters:   100   # iterations
				    logs:
				          interval: 10
				# about the batch
				batch: {micro_batch_size: 1,batch_size:   2}
				model:
				    base_model:
				        transformer:
				            rotary:
				                type:    llama3  \n\

				\n\
				run:
				  experiment_dir : out
				splits:
				- a
				-    b
				""";
		String expected = """
				training:
				  train_iters: 100   # iterations
				  logs:
				    interval: 10
				# about the batch
				batch: {micro_batch_size: 1, batch_size: 2}
				model:
				  base_model:
				    transformer:
				      rotary:
				        type: llama3

				run:
				  experiment_dir: out
				splits:
				- a
				- b
				""";
		assertEquals(expected, SERVICES.formatted(SERVICES.parse(messy, null)));
	}

	@Test
	void aCommentLineTakesTheIndentationOfTheLineItComments() {
		String text = "model:\n  base_model:\n# the vocabulary of Llama 3\n    vocab_size: 128256\n";
		assertEquals("model:\n  base_model:\n    # the vocabulary of Llama 3\n    vocab_size: 128256\n",
				SERVICES.formatted(SERVICES.parse(text, null)));
	}

	@Test
	void compactSequenceItemsLineUpAfterTheirDash() {
		String text = "items:\n   -   name: a\n       size: 1\n   - name: b\n";
		assertEquals("items:\n  - name: a\n    size: 1\n  - name: b\n", SERVICES.formatted(SERVICES.parse(text, null)));
	}

	@Test
	void everyExampleKeepsItsMeaningAndItsCommentsAndFormatsToAFixedPoint() throws Exception {
		try (Stream<Path> files = Files.list(Configs.example("llama-3.1-8b-pretrain.yaml").getParent())) {
			for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
				String text = Configs.read(file);
				String formatted = SERVICES.formatted(SERVICES.parse(text, file));
				assertEquals(YamlParser.parse(text).plainValue(), YamlParser.parse(formatted).plainValue(), file.toString());
				assertEquals(comments(text), comments(formatted), file.toString());
				assertEquals(formatted, SERVICES.formatted(SERVICES.parse(formatted, file)), file + " formats to itself");
			}
		}
	}

	@Test
	void aTextWithSyntaxErrorsIsNotTouched() {
		XtextResource resource = SERVICES.parse("a:\n    b: 1\n  c: &x 2\n", null);
		assertTrue(SERVICES.format(resource).isEmpty());
	}

	private static List<String> comments(String text) {
		return text.lines().filter(line -> line.contains("#")).map(line -> line.substring(line.indexOf('#')).strip()).toList();
	}
}
