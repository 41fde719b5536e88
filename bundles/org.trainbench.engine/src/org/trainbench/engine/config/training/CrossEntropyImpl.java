package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Implementation of the cross-entropy loss ({@code model.base_model.cross_entropy_impl}); all compute the same loss. */
public enum CrossEntropyImpl implements ConfigChoice {
    AUTO("auto", "Let the engine pick the fastest available."),
    TORCH("torch", "Reference implementation (Fast-LLM: PyTorch)."),
    FUSED("fused", "Softmax and loss fused in one pass over the logits."),
    TRITON("triton", "Fast-LLM's Triton kernel; Trainbench uses its fused kernel.");

    private final String yamlName;
    private final String doc;

    CrossEntropyImpl(String yamlName, String doc) {
        this.yamlName = yamlName;
        this.doc = doc;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    @Override
    public String doc() {
        return doc;
    }
}
