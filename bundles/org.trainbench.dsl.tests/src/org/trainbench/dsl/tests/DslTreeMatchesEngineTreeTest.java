package org.trainbench.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.xtext.nodemodel.INode;
import org.eclipse.xtext.nodemodel.impl.InvariantChecker;
import org.eclipse.xtext.parser.IParseResult;
import org.eclipse.xtext.parser.IParser;
import org.eclipse.xtext.testing.InjectWith;
import org.eclipse.xtext.testing.extensions.InjectionExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.trainbench.dsl.trainbenchConfig.Document;
import org.trainbench.dsl.tree.YamlTreeBuilder;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;
import org.trainbench.engine.json.Json;

import com.google.inject.Inject;

/**
 * The differential test: the Xtext parser and the engine's YamlParser read every config alike.
 * Where both accept a text, the DSL's converted tree equals the engine's (records: same keys,
 * values, styles and positions); where one rejects it, so does the other. The DSL's node model
 * stays consistent on every text.
 */
@ExtendWith(InjectionExtension.class)
@InjectWith(TrainbenchConfigInjectorProvider.class)
class DslTreeMatchesEngineTreeTest {

	private static final int GENERATED = 2_000;
	private static final int MUTATED = Integer.getInteger("fuzz.mutated", 10_000);

	@Inject
	private IParser parser;

	@Test
	void everyExampleGivesTheEngineTree() throws YamlSyntaxException {
		for (Path example : ConfigTexts.examples()) {
			String text = ConfigTexts.read(example);
			IParseResult result = parser.parse(new StringReader(text));
			assertTrue(result.getSyntaxErrors().iterator().hasNext() == false,
					() -> example + ": " + firstSyntaxError(result));
			assertEquals(YamlParser.parse(text), tree(result), example.toString());
		}
	}

	/**
	 * Every scalar case of the engine's PyYAML fixture (tools/reference/yaml_scalar_fixtures.py), e.g. {@code 1e-5}
	 * (a string), {@code 0x1F}, {@code 010}, {@code 1:30} (31, 8, 90), gives the same tree and the same values.
	 */
	@SuppressWarnings("unchecked")
	@Test
	void pyYamlScalarCasesGiveTheEngineTreeAndValues() {
		Path fixture = ConfigTexts.repository().resolve("bundles/org.trainbench.engine.tests/resources/yaml/pyyaml-scalars.json");
		Map<String, Object> cases = (Map<String, Object>) Json.parse(ConfigTexts.read(fixture));
		List<String> disagreements = new ArrayList<>();
		int compared = 0;
		for (Map<String, Object> c : (List<Map<String, Object>>) cases.get("plain")) {
			for (String text : List.of("key: " + c.get("text") + "\n", "- [" + c.get("text") + "]\n")) {
				compare(text, disagreements);
				try {
					YamlNode engine = YamlParser.parse(text);
					IParseResult result = parser.parse(new StringReader(text));
					if (!result.hasSyntaxErrors()) {
						compared++;
						if (!java.util.Objects.equals(engine.plainValue(), tree(result).plainValue())) {
							disagreements.add("different values for " + text);
						}
					}
				} catch (YamlSyntaxException e) {
					// compare() has checked that the DSL rejects it too
				}
			}
		}
		assertTrue(compared > 250, "compared " + compared);
		assertNoDisagreement(disagreements, compared);
	}

	@Test
	void generatedConfigsGiveTheEngineTree() {
		YamlFuzzer fuzzer = new YamlFuzzer(20261125L);
		List<String> disagreements = new ArrayList<>();
		for (int i = 0; i < GENERATED; i++) {
			String text = fuzzer.document();
			compare(text, disagreements);
		}
		assertNoDisagreement(disagreements, GENERATED);
	}

	@Test
	void mutatedConfigsAreAcceptedOrRejectedAlikeAndNeverCrash() {
		YamlFuzzer fuzzer = new YamlFuzzer(Long.getLong("fuzz.seed", 42L));
		List<String> seeds = new ArrayList<>();
		for (Path example : ConfigTexts.examples()) {
			seeds.add(ConfigTexts.read(example));
		}
		for (int i = 0; i < 50; i++) {
			seeds.add(fuzzer.document());
		}
		List<String> disagreements = new ArrayList<>();
		for (int i = 0; i < MUTATED; i++) {
			String text = fuzzer.mutate(fuzzer.pick(seeds));
			compare(text, disagreements);
		}
		assertNoDisagreement(disagreements, MUTATED);
	}

	private void compare(String text, List<String> disagreements) {
		IParseResult result;
		try {
			result = parser.parse(new StringReader(text));
		} catch (RuntimeException e) {
			fail("the DSL parser crashed on:\n" + text, e);
			return;
		}
		try {
			new InvariantChecker().checkInvariant(result.getRootNode());
		} catch (RuntimeException e) {
			fail("inconsistent node model (" + e.getMessage() + ") for:\n" + text, e);
		}
		for (INode error : result.getSyntaxErrors()) {
			if (error.getOffset() < 0 || error.getEndOffset() > text.length()) {
				disagreements.add("syntax error outside the text at " + error.getOffset() + ":\n" + text);
			}
		}
		YamlNode engine;
		try {
			engine = YamlParser.parse(text);
		} catch (YamlSyntaxException e) {
			if (!result.hasSyntaxErrors()) {
				disagreements.add("engine rejects (" + e.getMessage() + "), DSL accepts:\n" + text);
			}
			return;
		}
		if (result.hasSyntaxErrors()) {
			disagreements.add("DSL rejects (" + firstSyntaxError(result) + "), engine accepts:\n" + text);
			return;
		}
		YamlNode dsl = tree(result);
		if (!engine.equals(dsl)) {
			disagreements.add("different trees\n  engine " + engine + "\n  dsl    " + dsl + "\nfor:\n" + text);
		}
	}

	private static void assertNoDisagreement(List<String> disagreements, int total) {
		if (!disagreements.isEmpty()) {
			fail(disagreements.size() + " of " + total + " configs read differently; the first:\n"
					+ String.join("\n-----\n", disagreements.subList(0, Math.min(Integer.getInteger("disagreements.shown", 5), disagreements.size()))));
		}
	}

	private static YamlNode tree(IParseResult result) {
		return YamlTreeBuilder.build((Document) result.getRootASTElement());
	}

	private static String firstSyntaxError(IParseResult result) {
		INode error = result.getSyntaxErrors().iterator().next();
		return "line " + error.getStartLine() + ": " + error.getSyntaxErrorMessage().getMessage();
	}
}
