package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;

/** {@code training.wandb}: Fast-LLM's Weights & Biases logging (not done by Trainbench). */
public record WandbConfig(
        @Doc("Status posts (alerts) every interval iterations and on run begin and end.")
        WandbAlertConfig alert,
        @Doc("Weights & Biases group name.")
        @Default("default")
        String groupName,
        @Doc("Weights & Biases project name.")
        @Default("fast_llm")
        String projectName,
        @Doc("Weights & Biases entity (user or team) name.")
        String entityName) {
}
