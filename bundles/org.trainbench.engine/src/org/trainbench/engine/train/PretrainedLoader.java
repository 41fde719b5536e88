package org.trainbench.engine.train;

import java.io.IOException;

import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;

/** Builds the starting model from {@code pretrained.*} when {@code model_weights} is on. */
@FunctionalInterface
public interface PretrainedLoader {
    LlamaModel load(TrainingPlan.Pretrained pretrained, LlamaArchitecture architecture) throws IOException;
}
