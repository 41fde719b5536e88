package org.trainbench.dsl.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.emf.common.util.URI;
import org.eclipse.emf.ecore.resource.ResourceSet;
import org.eclipse.xtext.diagnostics.Severity;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.testing.InjectWith;
import org.eclipse.xtext.testing.extensions.InjectionExtension;
import org.eclipse.xtext.util.CancelIndicator;
import org.eclipse.xtext.validation.CheckMode;
import org.eclipse.xtext.validation.IResourceValidator;
import org.eclipse.xtext.validation.Issue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.trainbench.dsl.validation.IssueData;
import org.trainbench.engine.config.check.ConfigChecker;
import org.trainbench.engine.config.check.Diagnostic;

import com.google.inject.Inject;
import com.google.inject.Provider;

/**
 * The editor reports exactly what {@code trainbench validate} reports: for every example config and
 * for generated and mutated configs, the validator's issues equal the engine's diagnostics (code,
 * severity, message, line, column, offset, length, key path and quick-fix data).
 */
@ExtendWith(InjectionExtension.class)
@InjectWith(TrainbenchConfigInjectorProvider.class)
class DslDiagnosticsMatchEngineTest {

	@Inject
	private Provider<ResourceSet> resourceSets;

	@Inject
	private IResourceValidator validator;

	@Test
	void everyExampleGetsTheEnginesDiagnostics() throws Exception {
		int warnings = 0;
		for (Path example : ConfigTexts.examples()) {
			String text = ConfigTexts.read(example);
			List<String> engine = describe(ConfigChecker.check(text, example));
			List<String> dsl = describeIssues(validate(text, URI.createFileURI(example.toString())));
			assertEquals(engine, dsl, example.toString());
			warnings += engine.size();
		}
		assertFalse(warnings == 0, "the examples give diagnostics (legacy keys, missing files): the comparison is not empty");
	}

	@Test
	void theArchitectureLessPretrainingConfigGetsExactlyTheArchitectureError() throws Exception {
		Path example = ConfigTexts.repository().resolve("examples/llama-3.1-8b-pretrain.yaml");
		List<Issue> errors = validate(ConfigTexts.read(example), URI.createFileURI(example.toString())).stream()
				.filter(issue -> issue.getSeverity() == Severity.ERROR).toList();
		assertEquals(List.of("architecture-undefined"), errors.stream().map(Issue::getCode).toList());
	}

	@Test
	void generatedAndMutatedConfigsGetTheEnginesDiagnostics() throws Exception {
		YamlFuzzer fuzzer = new YamlFuzzer(99L);
		List<String> seeds = new ArrayList<>();
		for (Path example : ConfigTexts.examples()) {
			seeds.add(ConfigTexts.read(example));
		}
		int compared = 0;
		for (int i = 0; i < 1_500; i++) {
			String text = i % 3 == 0 ? fuzzer.document() : fuzzer.mutate(fuzzer.pick(seeds));
			List<String> engine = describe(ConfigChecker.check(text, null));
			List<Issue> issues = validate(text, URI.createURI("synthetic:/fuzz" + i + ".yaml"));
			if (issues.stream().anyMatch(issue -> issue.isSyntaxError())) {
				assertEquals("syntax-error", ConfigChecker.check(text, null).getFirst().code(), text);
				continue;
			}
			assertEquals(engine, describeIssues(issues), text);
			compared++;
		}
		assertFalse(compared < 500, "most inputs parse: " + compared);
	}

	private List<Issue> validate(String text, URI uri) throws Exception {
		XtextResource resource = (XtextResource) resourceSets.get().createResource(uri);
		resource.load(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
				java.util.Map.of(XtextResource.OPTION_ENCODING, "UTF-8"));
		return validator.validate(resource, CheckMode.ALL, CancelIndicator.NullImpl);
	}

	private static List<String> describe(List<Diagnostic> diagnostics) {
		return diagnostics.stream().map(d -> d.severity() + " " + d.code() + " " + d.range().line() + ":"
				+ d.range().column() + " @" + d.range().offset() + "+" + d.range().length() + " " + d.message() + " "
				+ List.of(IssueData.encode(d))).toList();
	}

	private static List<String> describeIssues(List<Issue> issues) {
		return issues.stream().map(i -> severity(i.getSeverity()) + " " + i.getCode() + " " + i.getLineNumber() + ":"
				+ i.getColumn() + " @" + i.getOffset() + "+" + i.getLength() + " " + i.getMessage() + " "
				+ List.of(i.getData() == null ? new String[0] : i.getData())).toList();
	}

	private static String severity(Severity severity) {
		return switch (severity) {
			case ERROR -> "ERROR";
			case WARNING -> "WARNING";
			case INFO -> "INFO";
			case IGNORE -> "IGNORE";
		};
	}
}
