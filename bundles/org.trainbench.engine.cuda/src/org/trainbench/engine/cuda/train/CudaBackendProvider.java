package org.trainbench.engine.cuda.train;

import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.train.TrainingPlan;
import org.trainbench.engine.train.backend.BackendProvider;
import org.trainbench.engine.train.backend.ModelBackend;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.optim.AdamW;

/** {@code --backend cuda}: registered in META-INF/services, so the engine finds it without depending on this bundle. */
public final class CudaBackendProvider implements BackendProvider {
    public static final String NAME = org.trainbench.engine.train.backend.Backends.CUDA;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ModelBackend open(LlamaModel model, AdamW optimizer, TrainingPlan plan) {
        return CudaBackend.open(model, optimizer, plan);
    }

    /** One rank of a data-parallel group: NCCL between the ranks' GPUs (one process per GPU). */
    @Override
    public ModelBackend open(LlamaModel model, AdamW optimizer, TrainingPlan plan, DataParallel group) {
        if (!group.distributed()) {
            return open(model, optimizer, plan);
        }
        return CudaBackend.open(model, optimizer, plan.trainingDtype(), plan.microBatchSize(), plan.sequenceLength(),
                plan.mlpRecomputeLevel(), plan, group);
    }
}
