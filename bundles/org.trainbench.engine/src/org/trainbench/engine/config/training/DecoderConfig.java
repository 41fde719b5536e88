package org.trainbench.engine.config.training;

import java.util.List;
import java.util.Map;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.DerivedDefault;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.EngineSupports;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.OptionalSection;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.Versions;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;

/**
 * {@code model.base_model.decoder} (Fast-LLM 0.3 and 0.4): the transformer blocks. Mapped onto
 * {@code model.base_model.transformer} before a run ({@link org.trainbench.engine.config.schema.FormMapping}).
 */
public record DecoderConfig(
        @Doc("Kind of block sequence: fixed repeats one block num_blocks times; pattern cycles through named blocks.")
        @Default("fixed")
        @NotHonoured(value = "Trainbench's engine builds num_blocks copies of one block; a pattern of different blocks would be another model.", changesResults = true)
        DecoderType type,
        @Doc("The block repeated num_blocks times: its mixer (attention), MLP and normalization.")
        DecoderBlockConfig block,
        @Doc("Number of blocks (transformer layers).")
        @Default("12") @Range(min = 0)
        int numBlocks,
        @Doc("pattern: the blocks by name.")
        @NotHonoured(value = "Trainbench's engine builds num_blocks copies of one block.", changesResults = true)
        Map<String, DecoderBlockConfig> blocks,
        @Doc("pattern: the names of the blocks (keys of blocks) in order, repeated up to num_blocks.")
        @NotHonoured(value = "Trainbench's engine builds num_blocks copies of one block.", changesResults = true)
        List<String> pattern,
        @Doc("Factor on the learning rate of this layer's weights.")
        @NotHonoured(value = ParameterConfig.LR_SCALE, changesResults = true, accepts = {"1", "1.0"})
        Double lrScale) {
}
