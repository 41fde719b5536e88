package org.trainbench.engine.train.backend;

import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.train.TrainingPlan;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.optim.AdamW;

/**
 * A kind of {@link ModelBackend}, found by name ({@code --backend NAME}). The CPU one is built into the engine; others
 * (the CUDA backend of {@code org.trainbench.engine.cuda}) are found at run time through {@link java.util.ServiceLoader},
 * so the engine never depends on them.
 */
public interface BackendProvider {

    /** The name users type: {@code cpu}, {@code cuda}. */
    String name();

    /**
     * Opens a backend over this host model and optimizer for this plan (its micro-batch, sequence length and
     * {@code model.distributed.training_dtype}); its weights are set next by {@link ModelBackend#copyFromHost} or
     * {@link ModelBackend#initializeWeights}.
     *
     * @throws BackendUnavailableException when the backend cannot run here (no driver, no GPU, missing library) or
     *                                     cannot run this plan; the message says what is missing and what to do
     */
    ModelBackend open(LlamaModel model, AdamW optimizer, TrainingPlan plan);

    /**
     * Opens a backend as one rank of a data-parallel group: its {@link ModelBackend#synchronizeGradients()},
     * {@link ModelBackend#update} and {@link ModelBackend#copyToHost()} communicate through the group's communicator and
     * shard by its ZeRO stage. A backend that does not train data-parallel yet refuses a group of several ranks (the
     * GPU backend's NCCL path plugs in here).
     *
     * @throws BackendUnavailableException when this backend cannot train in such a group
     */
    default ModelBackend open(LlamaModel model, AdamW optimizer, TrainingPlan plan, DataParallel group) {
        if (group.distributed()) {
            throw new BackendUnavailableException("--backend " + name() + " does not train with several workers yet (data parallel"
                    + " over NCCL is not built); train on one device, or with --backend cpu --workers N");
        }
        return open(model, optimizer, plan);
    }
}
