package org.trainbench.dsl.tests;

import org.eclipse.xtext.testing.InjectWith;
import org.eclipse.xtext.testing.extensions.InjectionExtension;
import org.eclipse.xtext.testing.util.ParseHelper;
import org.eclipse.xtext.testing.validation.ValidationTestHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.trainbench.dsl.trainbenchConfig.Document;
import org.trainbench.dsl.trainbenchConfig.TrainbenchConfigPackage;
import org.trainbench.engine.config.check.IssueCodes;

import com.google.inject.Inject;

/**
 * Representative check codes through Xtext's ValidationTestHelper: the engine's rule, its code,
 * severity and exact range arrive as an Xtext issue on the element at that range. (The engine's
 * own tests cover every rule; DslDiagnosticsMatchEngineTest compares all diagnostics.)
 */
@ExtendWith(InjectionExtension.class)
@InjectWith(TrainbenchConfigInjectorProvider.class)
class ConfigValidationTest {

	private static final String TRAINING = """
			model:
			  base_model:
			    transformer:
			      hidden_size: 64
			run:
			  experiment_dir: out
			""";

	@Inject
	private ParseHelper<Document> parseHelper;
	@Inject
	private ValidationTestHelper validation;

	@Test
	void anUnknownKeyIsAnErrorOnTheKeyWithASuggestion() throws Exception {
		String text = TRAINING + "batch:\n  micro_batch_sise: 4\n";
		validation.assertError(parseHelper.parse(text), TrainbenchConfigPackage.Literals.PLAIN_SCALAR, IssueCodes.UNKNOWN_KEY,
				text.indexOf("micro_batch_sise"), "micro_batch_sise".length(), "did you mean `micro_batch_size`?");
	}

	@Test
	void aValueOfTheWrongTypeIsAnErrorOnTheValue() throws Exception {
		String text = TRAINING + "batch:\n  sequence_length: long\n";
		validation.assertError(parseHelper.parse(text), TrainbenchConfigPackage.Literals.PLAIN_SCALAR, IssueCodes.WRONG_TYPE,
				text.indexOf("long"), 4);
	}

	@Test
	void aNumberOutOfRangeIsAnError() throws Exception {
		String text = TRAINING + "training:\n  checkpoint:\n    keep: 0\n";
		validation.assertError(parseHelper.parse(text), TrainbenchConfigPackage.Literals.PLAIN_SCALAR, IssueCodes.OUT_OF_RANGE,
				text.indexOf("0\n", text.indexOf("keep")), 1);
	}

	@Test
	void aBatchSizeThatIsNoMultipleOfTheMicroBatchIsAnError() throws Exception {
		String text = TRAINING + "batch:\n  micro_batch_size: 4\n  batch_size: 482\n";
		validation.assertError(parseHelper.parse(text), TrainbenchConfigPackage.Literals.PLAIN_SCALAR,
				IssueCodes.BATCH_NOT_DIVISIBLE, text.indexOf("482"), 3, "Use batch_size: 484");
	}

	@Test
	void aLegacyKeyIsAWarning() throws Exception {
		String text = TRAINING + "training:\n  validation:\n    interval: 100\n";
		validation.assertWarning(parseHelper.parse(text), TrainbenchConfigPackage.Literals.PLAIN_SCALAR, IssueCodes.LEGACY_KEY,
				text.indexOf("validation:"), "validation".length(), "training.evaluators.validation");
	}

	@Test
	void aConfigWithoutArchitectureGetsTheArchitectureError() throws Exception {
		String text = "batch:\n  batch_size: 8\nrun:\n  experiment_dir: out\n";
		validation.assertError(parseHelper.parse(text), TrainbenchConfigPackage.Literals.PLAIN_SCALAR,
				IssueCodes.ARCHITECTURE_UNDEFINED, "The model architecture is undefined");
	}

	@Test
	void aValidConfigHasNoIssue() throws Exception {
		validation.assertNoIssues(parseHelper.parse(TRAINING));
	}

	@Test
	void aSyntaxErrorHidesTheContentChecks() throws Exception {
		Document document = parseHelper.parse("batch:\n  micro_batch_sise: &a 4\n");
		validation.assertError(document, TrainbenchConfigPackage.Literals.DOCUMENT, IssueCodes.SYNTAX_ERROR, "anchors");
		validation.assertNoError(document, IssueCodes.UNKNOWN_KEY);
	}
}
