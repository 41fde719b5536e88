package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** External model format for loading ({@code pretrained.format}) and exporting ({@code training.export.format}). */
public enum CheckpointFormat implements ConfigChoice {
    LLAMA("llama", "A Hugging Face Llama directory: config.json and safetensors weights."),
    QWEN2("qwen2", "A Hugging Face Qwen2 directory (Llama with biases on q, k and v)."),
    MISTRAL("mistral", "A Hugging Face Mistral directory (Llama with an optional sliding window)."),
    MIXTRAL("mixtral", "A Hugging Face Mixtral directory (mixture of experts)."),
    MTP_LLAMA("mtp_llama", "Llama with multi-token prediction heads."),
    AUTO("auto", "The Hugging Face format named by the directory's config.json."),
    FAST_LLM("fast_llm", "Fast-LLM's own checkpoint format."),
    DISTRIBUTED("distributed", "Fast-LLM's sharded training checkpoint.");

    private final String yamlName;
    private final String doc;

    CheckpointFormat(String yamlName, String doc) {
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
