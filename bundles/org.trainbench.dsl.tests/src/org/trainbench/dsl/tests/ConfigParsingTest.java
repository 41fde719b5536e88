package org.trainbench.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.eclipse.emf.ecore.resource.Resource.Diagnostic;
import org.eclipse.xtext.testing.InjectWith;
import org.eclipse.xtext.testing.extensions.InjectionExtension;
import org.eclipse.xtext.testing.util.ParseHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.trainbench.dsl.trainbenchConfig.Document;
import org.trainbench.dsl.tree.YamlTreeBuilder;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.SequenceNode;
import org.trainbench.engine.config.yaml.YamlNode;

import com.google.inject.Inject;

/** The grammar, tokenizer and block indentation on the constructs of Fast-LLM configs, through Xtext's ParseHelper. */
@ExtendWith(InjectionExtension.class)
@InjectWith(TrainbenchConfigInjectorProvider.class)
class ConfigParsingTest {

	@Inject
	private ParseHelper<Document> parseHelper;

	@Test
	void sftTrainingConfigReadsAsPyYamlWouldReadIt() throws Exception {
		Object value = valueOf("""
				training:
				  train_iters: 5_000
				  evaluators:
				    validation:
				      interval: 100
				batch:
				  micro_batch_size: 1
				  cross_document_attention: no # (1)!
				optimizer:
				  learning_rate:
				    base: 2.0e-05
				    minimum: 0.0
				model:
				  base_model:
				    transformer:
				      rotary_embedding_scale: -13.122363377404328  # (2)!
				data:
				  split: [99, 1, 0]
				""");
		assertEquals(5000L, at(value, "training", "train_iters"));
		assertEquals(100L, at(value, "training", "evaluators", "validation", "interval"));
		assertEquals(false, at(value, "batch", "cross_document_attention"));
		assertEquals(2.0e-05, at(value, "optimizer", "learning_rate", "base"));
		assertEquals(-13.122363377404328, at(value, "model", "base_model", "transformer", "rotary_embedding_scale"));
		assertEquals(List.of(99L, 1L, 0L), at(value, "data", "split"));
	}

	@Test
	void compactSequenceItemsContinueAtTheColumnOfTheirFirstKey() throws Exception {
		Object value = valueOf("""
				datasets:
				  - name: a
				    weight: 0.5
				  - - nested
				    - items
				""");
		assertEquals(List.of(Map.of("name", "a", "weight", 0.5), List.of("nested", "items")), at(value, "datasets"));
	}

	@Test
	void aSequenceAtItsKeysIndentationBelongsToTheKey() throws Exception {
		Object value = valueOf("""
				splits:
				- 0.998
				- 0.002
				after: 1
				""");
		assertEquals(List.of(0.998, 0.002), at(value, "splits"));
		assertEquals(1L, at(value, "after"));
	}

	@Test
	void aKeyWithNothingAfterItIsNullAndTheNextLineIsItsSibling() throws Exception {
		YamlNode tree = treeOf("a:\nb: 1\n");
		MappingNode mapping = (MappingNode) tree;
		assertEquals(List.of("a", "b"), mapping.keys());
		ScalarNode missing = (ScalarNode) mapping.get("a").orElseThrow();
		assertTrue(missing.isMissingValue());
		assertEquals(2, missing.range().offset(), "the empty value sits right after the colon");
	}

	@Test
	void commentOnlyLinesAtAnyColumnNeitherOpenNorCloseBlocks() throws Exception {
		Object value = valueOf("""
				model:
				  base_model:
				# a comment at column 0 inside the block
				        # and one deeper than the block
				    vocab_size: 128256
				  multi_stage:
				    zero_stage: 3
				""");
		assertEquals(128256L, at(value, "model", "base_model", "vocab_size"));
		assertEquals(3L, at(value, "model", "multi_stage", "zero_stage"));
	}

	@Test
	void flowCollectionsMayNestAndSpanLines() throws Exception {
		Object value = valueOf("""
				split: [99,
				   1, 0]
				weights: {a: [1, 2], "b": {c: ~}, d}
				""");
		assertEquals(List.of(99L, 1L, 0L), at(value, "split"));
		Map<String, Object> expected = new java.util.LinkedHashMap<>();
		expected.put("a", List.of(1L, 2L));
		expected.put("b", java.util.Collections.singletonMap("c", null));
		expected.put("d", null);
		assertEquals(expected, at(value, "weights"));
	}

	@Test
	void plainScalarsKeepSpacesColonsAndHashesThatAreNotComments() throws Exception {
		Object value = valueOf("path: s3://bucket/my data\nname: a#b  # a comment\nsplit: train[:80%]\n");
		assertEquals("s3://bucket/my data", at(value, "path"));
		assertEquals("a#b", at(value, "name"));
		assertEquals("train[:80%]", at(value, "split"));
	}

	@Test
	void quotedScalarsAreUnquotedAndUnescaped() throws Exception {
		YamlNode tree = treeOf("a: 'it''s'\nb: \"tab\\there \\u00e9\"\n");
		ScalarNode a = (ScalarNode) ((MappingNode) tree).get("a").orElseThrow();
		assertEquals("it's", a.text());
		assertEquals(ScalarNode.Style.SINGLE_QUOTED, a.style());
		assertEquals(ScalarNode.Kind.STRING, a.kind());
		assertEquals("tab\there \u00e9", ((ScalarNode) ((MappingNode) tree).get("b").orElseThrow()).text());
	}

	@Test
	void aLeadingDocumentStartIsAccepted() throws Exception {
		assertEquals(Map.of("a", 1L), valueOf("---\na: 1\n"));
	}

	@Test
	void windowsLineEndingsGiveTheSamePositions() throws Exception {
		YamlNode tree = treeOf("a:\r\n  b: 1\r\n");
		ScalarNode b = (ScalarNode) ((MappingNode) ((MappingNode) tree).get("a").orElseThrow()).get("b").orElseThrow();
		assertEquals(2, b.range().line());
		assertEquals(6, b.range().column());
		assertEquals(9, b.range().offset());
	}

	@Test
	void blockSequencePositionsRunFromTheFirstDashToTheLastItem() throws Exception {
		YamlNode tree = treeOf("s:\n  - x\n  - yz\n");
		SequenceNode s = (SequenceNode) ((MappingNode) tree).get("s").orElseThrow();
		assertEquals(5, s.range().offset());
		assertEquals(15 - 5, s.range().length());
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = ';', textBlock = """
			anchor           ; a: &base 1\\nb: 2                 ; 1 ; 4  ; anchors (`&name`) are not supported
			alias            ; a: 1\\nb: *base                   ; 2 ; 4  ; aliases (`*name`) are not supported
			tag              ; a: !!str 1\\nb: 2                 ; 1 ; 4  ; tags (`!type`) are not supported
			block scalar     ; a: |\\n  two\\n  lines\\nb: 2      ; 1 ; 4  ; block scalars (`|`, `>`) are not supported
			folded scalar    ; a: >-\\n  folded\\nb: 2           ; 1 ; 4  ; block scalars (`|`, `>`) are not supported
			second document  ; a: 1\\n---\\nb: 2                 ; 2 ; 1  ; several documents in one file
			document end     ; a: 1\\n...\\nb: 2                 ; 2 ; 1  ; several documents in one file
			directive        ; %YAML 1.1\\na: 1\\nb: 2           ; 1 ; 1  ; directives (`%YAML`, `%TAG`) are not supported
			tab indentation  ; a:\\n\\tc: 1\\nb: 2               ; 2 ; 1  ; a tab character
			explicit key     ; ? a\\nb: 2                        ; 1 ; 1  ; explicit keys (`? key`) are not supported
			open quote       ; a: 'open\\nb: 2                   ; 1 ; 4  ; this quoted string is not closed on its line
			merge key        ; <<: 1\\nb: 2                      ; 1 ; 1  ; merge keys (`<<`) are not supported
			text after value ; a: [1] x\\nb: 2                   ; 1 ; 8  ; unexpected text after the value
			sequence on key  ; a: - x\\nb: 2                     ; 1 ; 4  ; a sequence cannot start on the line of its key
			""")
	void unsupportedYamlIsOneClearErrorAndTheRestStillParses(String construct, String escaped, int line, int column,
			String message) throws Exception {
		String text = escaped.replace("\\n", "\n").replace("\\t", "\t");
		Document document = parseHelper.parse(text);
		List<Diagnostic> errors = document.eResource().getErrors();
		assertEquals(1, errors.size(), () -> construct + ": " + errors);
		assertTrue(errors.get(0).getMessage().startsWith(message), errors.get(0).getMessage());
		assertEquals(line, errors.get(0).getLine());
		assertEquals(column, errors.get(0).getColumn());
		String last = text.substring(text.lastIndexOf('\n') + 1);
		assertTrue(NodeTexts.keysOf(document).contains(last.substring(0, last.indexOf(':'))),
				() -> construct + ": the key after the problem was lost: " + NodeTexts.keysOf(document));
	}

	@Test
	void aLineIndentedDeeperThanItsBlockIsAnIndentationError() throws Exception {
		Document document = parseHelper.parse("a: 1\n  b: 2\n");
		List<Diagnostic> errors = document.eResource().getErrors();
		assertEquals(1, errors.size(), errors::toString);
		assertTrue(errors.get(0).getMessage().startsWith("unexpected indentation"), errors.get(0).getMessage());
		assertEquals(2, errors.get(0).getLine());
	}

	@Test
	void nestingDeeperThanTheEnginesLimitIsAnErrorNotACrash() throws Exception {
		StringBuilder blocks = new StringBuilder();
		for (int i = 0; i < 3_000; i++) {
			blocks.append(" ".repeat(i)).append("k").append(i).append(":\n");
		}
		String[] texts = { blocks.toString(), "- ".repeat(3_000) + "x\n", "a: " + "[".repeat(3_000) + "]".repeat(3_000) + "\n" };
		for (String text : texts) {
			List<Diagnostic> errors = parseHelper.parse(text).eResource().getErrors();
			assertTrue(errors.stream().anyMatch(e -> e.getMessage().equals("collections are nested more than 100 levels deep")),
					() -> errors.isEmpty() ? "no error" : errors.getFirst().getMessage());
		}
	}

	@Test
	void aBadEscapeGetsTheEnginesMessage() throws Exception {
		Document document = parseHelper.parse("a: \"bad \\q escape\"\n");
		List<Diagnostic> errors = document.eResource().getErrors();
		assertEquals(1, errors.size(), errors::toString);
		assertTrue(errors.get(0).getMessage().startsWith("unknown escape `\\q`"), errors.get(0).getMessage());
	}

	private YamlNode treeOf(String text) throws Exception {
		Document document = parseHelper.parse(text);
		assertEquals(List.of(), document.eResource().getErrors());
		return YamlTreeBuilder.build(document);
	}

	private Object valueOf(String text) throws Exception {
		return treeOf(text).plainValue();
	}

	@SuppressWarnings("unchecked")
	private static Object at(Object value, String... path) {
		Object current = value;
		for (String key : path) {
			current = ((Map<String, Object>) current).get(key);
		}
		return current;
	}
}
