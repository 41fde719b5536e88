package org.trainbench.dsl.validation;

/**
 * The checks of a config's content live in the engine (ConfigChecker), so that the editor and
 * {@code trainbench validate} agree; this validator hands them the engine's tree of the document.
 */
public class TrainbenchConfigValidator extends AbstractTrainbenchConfigValidator {
}
