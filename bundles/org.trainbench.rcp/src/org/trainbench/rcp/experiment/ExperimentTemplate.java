package org.trainbench.rcp.experiment;

import org.trainbench.launch.Backend;

/**
 * A starting point offered by the New Experiment wizard: one of the project's example configs, and the launch
 * settings that suit it.
 *
 * @param title              what the wizard lists
 * @param description        what the run is and what it needs before it can start
 * @param resource           the config inside this bundle (copied from examples/ at build time)
 * @param defaultName        the experiment name proposed for it
 * @param backend            where it runs by default
 * @param gpus               GPUs of a cuda run
 * @param stopTimeoutSeconds how long Terminate waits for its checkpoint
 * @param writesDemoDataset  whether the wizard writes the demo's synthetic dataset next to it
 */
public record ExperimentTemplate(String title, String description, String resource, String defaultName,
        Backend backend, int gpus, int stopTimeoutSeconds, boolean writesDemoDataset) {
}
