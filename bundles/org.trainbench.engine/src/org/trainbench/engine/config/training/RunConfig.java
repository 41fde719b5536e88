package org.trainbench.engine.config.training;

import java.nio.file.Path;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.Required;

/** {@code run}. */
public record RunConfig(
        @Doc("Directory where the run writes everything: the resolved config, metrics, checkpoints and exports. Trainbench's experiment views read it.")
        @Required
        Path experimentDir,
        @Doc("Name of the experiment, for logging.")
        @NotHonoured("Trainbench names a run by its experiment directory.")
        String experimentName,
        @Doc("Whether logs are written as structured JSON.")
        @Default("true")
        @NotHonoured("Trainbench has no such debugging or logging switch; the results are the same.")
        boolean structuredLogs,
        @Doc("Whether every rank logs, not only the first.")
        @Default("false")
        @NotHonoured("Trainbench has no such debugging or logging switch; the results are the same.")
        boolean enableAllLoggers,
        @Doc("Whether log lines carry timestamps.")
        @Default("true")
        @NotHonoured("Trainbench has no such debugging or logging switch; the results are the same.")
        boolean logTimestamps,
        @Doc("Whether torch.compile (TorchDynamo) is used.")
        @Default("true")
        @NotHonoured("Trainbench runs its own kernels; the results are the same.")
        boolean torchDynamoEnable,
        @Doc("Whether Fast-LLM's Triton kernels are used.")
        @Default("true")
        @NotHonoured("Trainbench runs its own kernels; the results are the same.")
        boolean enableTritonKernels,
        @Doc("Whether the linear layers use Triton kernels.")
        @Default("false")
        @NotHonoured("Trainbench runs its own kernels; the results are the same.")
        boolean tritonLinearKernels,
        @Doc("Debugging level for the model, e.g. for printing intermediate states.")
        @Default("0") @Range(min = 0)
        @NotHonoured("Trainbench has no such debugging or logging switch; the results are the same.")
        int modelDebugLevel) {

    /** The key the engine reads. */
    public RunConfig(Path experimentDir) {
        this(experimentDir, null, true, false, true, true, true, false, 0);
    }
}
