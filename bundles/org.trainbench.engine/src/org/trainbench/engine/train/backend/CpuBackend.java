package org.trainbench.engine.train.backend;

import org.trainbench.engine.config.training.TrainingDtype;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.tensor.Parameter;
import org.trainbench.engine.tensor.WorkerPool;
import org.trainbench.engine.train.TrainingPlan;
import org.trainbench.engine.train.optim.AdamW;

/** The reference backend: {@link LlamaModel} and {@link AdamW} themselves, in fp32 on the CPU, on the host arrays. */
public final class CpuBackend implements ModelBackend {
    /** The name of {@code --backend cpu}. */
    public static final String NAME = "cpu";

    /** The provider of this backend, always available. */
    public static final BackendProvider PROVIDER = new BackendProvider() {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public ModelBackend open(LlamaModel model, AdamW optimizer, TrainingPlan plan) {
            return new CpuBackend(model, optimizer, plan.trainingDtype());
        }
    };

    private final LlamaModel model;
    private final AdamW optimizer;
    private final TrainingDtype requested;

    public CpuBackend(LlamaModel model, AdamW optimizer, TrainingDtype requested) {
        this.model = model;
        this.optimizer = optimizer;
        this.requested = requested;
    }

    @Override
    public String description() {
        String note = requested == TrainingDtype.FLOAT32 ? "" : " (model.distributed.training_dtype " + requested.yamlName()
                + " is computed in float32 on the CPU)";
        return "cpu: " + WorkerPool.shared().threads() + " threads, float32" + note;
    }

    @Override
    public void copyFromHost() {
        // the host arrays are the backend's own
    }

    @Override
    public void initializeWeights(long seed) {
        model.initialize(seed);
    }

    @Override
    public void zeroGradients() {
        for (Parameter p : model.parameters()) {
            p.zeroGrad();
        }
    }

    @Override
    public float forwardBackward(SequenceBatch batch, float lossScale) {
        return model.forwardBackward(batch, lossScale);
    }

    @Override
    public float loss(SequenceBatch batch) {
        return model.loss(batch);
    }

    @Override
    public AdamW.Update update(double learningRate) {
        return optimizer.update(learningRate);
    }

    @Override
    public void copyToHost() {
        // the host arrays are the backend's own
    }

    @Override
    public long peakMemoryBytes() {
        return -1;
    }

    @Override
    public double peakFlops() {
        return 0;
    }

    @Override
    public void close() {
    }
}
