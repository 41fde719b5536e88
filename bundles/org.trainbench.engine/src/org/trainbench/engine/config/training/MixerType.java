package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Kind of token mixer of a decoder block in the 0.3/0.4 form ({@code decoder.block.mixer.type}). */
public enum MixerType implements ConfigChoice {
    ATTENTION("attention", "Multi-head (grouped-query) self-attention."),
    MAMBA("mamba", "Mamba state-space mixer."),
    MAMBA_2("mamba_2", "Deprecated name of mamba."),
    DISCRETE_MAMBA_2("discrete_mamba_2", "Discrete Mamba 2 state-space mixer."),
    GDN("gdn", "Gated DeltaNet linear attention."),
    KDA("kda", "Kimi delta attention."),
    STOCHASTIC("stochastic", "Samples one of several mixers at each step (supernet training).");

    private final String yamlName;
    private final String doc;

    MixerType(String yamlName, String doc) {
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
