package org.trainbench.engine.train.demo;

import java.util.List;

/**
 * The demo's training config: a small Llama (character vocabulary, 4 layers) fine-tuned the SFT way, with packing
 * without cross-document attention, no truncation and loss masking. Written to {@code <dir>/demo.yaml} by
 * {@code trainbench demo} and trained through the same path as {@code trainbench train}; examples/demo/demo.yaml is
 * this text for the default directory.
 */
public final class DemoConfig {
    /** Where the demo's dataset is, as written into demo.yaml: relative to demo.yaml itself. */
    public static final String DATA_DIRECTORY = "data";

    /** Steps of the demo; its schedule decays over all of them. */
    public static final int TRAIN_ITERS = 600;
    /** Warmup steps of the 600-step demo; a demo of N steps warms up over the same share, N / 15. */
    static final int WARMUP_ITERATIONS = 40;

    private DemoConfig() {
    }

    /**
     * The demo config of {@link #TRAIN_ITERS} steps.
     *
     * @param dataDirectory  where the dataset config files are, as written into the YAML
     * @param experimentDir  run.experiment_dir, as written into the YAML
     */
    public static String yaml(String dataDirectory, String experimentDir) {
        return yaml(dataDirectory, experimentDir, TRAIN_ITERS);
    }

    /**
     * The demo config of {@code trainIters} steps, its schedule fitted to them: the cosine decays over all of them
     * ({@code decay_iterations} = train_iters) after a warmup of the same share as the 600-step demo's.
     */
    public static String yaml(String dataDirectory, String experimentDir, int trainIters) {
        return TEMPLATE.replace("${data}", dataDirectory).replace("${experiment_dir}", experimentDir)
                .replace("${train_iters}", Integer.toString(trainIters))
                .replace("${warmup_iterations}", Integer.toString(warmupIterations(trainIters)));
    }

    /** {@code trainIters * 40 / 600}, at least 1 and less than trainIters (the engine needs warmup < decay). */
    static int warmupIterations(int trainIters) {
        int scaled = (int) ((long) trainIters * WARMUP_ITERATIONS / TRAIN_ITERS);
        return Math.min(Math.max(1, scaled), trainIters - 1);
    }

    /**
     * The steps a {@code trainbench demo} run trains: the last {@code training.train_iters=N} of its {@code --set}
     * assignments, else {@link #TRAIN_ITERS}. A value that is no positive integer is left to the config check, which
     * names it.
     */
    public static int trainIters(List<String> overrides) {
        int trainIters = TRAIN_ITERS;
        for (String assignment : overrides) {
            int equals = assignment.indexOf('=');
            if (equals > 0 && assignment.substring(0, equals).strip().equals("training.train_iters")) {
                try {
                    int value = Integer.parseInt(assignment.substring(equals + 1).strip().replace("_", ""));
                    trainIters = value > 0 ? value : TRAIN_ITERS;
                } catch (NumberFormatException e) {
                    trainIters = TRAIN_ITERS;
                }
            }
        }
        return trainIters;
    }

    private static final String TEMPLATE = """
            # Trainbench demo: a small Llama learns a synthetic chat task (reverse or sort a few digits, add two digits)
            # on the CPU, the way the Fast-LLM guide fine-tunes Llama 3.1 8B on chat data: documents packed without
            # cross-document attention, never truncated, loss only on the assistant's answers.
            # Written by `trainbench demo`; train it again with `trainbench train <this file>`.
            training:
              train_iters: ${train_iters}
              logs:
                interval: 5
              evaluators:
                validation:
                  interval: 100
                  evaluator:
                    type: loss
                    iterations: 4
                    dataset_name: validation
              checkpoint:
                interval: 200
                keep: 2
              test_iters: 0
            batch:
              micro_batch_size: 8
              sequence_length: 64
              batch_size: 16
              cross_document_attention: no
            data:
              datasets:
                training:
                  type: file
                  path: ${data}/fast_llm_config_training.yaml
                validation:
                  type: file
                  path: ${data}/fast_llm_config_validation.yaml
              truncate_documents: no
              sampling:
                use_loss_masking_spans: yes
            optimizer:
              weight_decay: 0.1
              beta_1: 0.9
              beta_2: 0.95
              learning_rate:
                base: 3.0e-03
                minimum: 1.0e-04
                decay_style: cosine
                decay_iterations: ${train_iters}
                warmup_iterations: ${warmup_iterations}
            model:
              base_model:
                vocab_size: 48
                tie_word_embeddings: false
                use_position_embeddings: false
                transformer:
                  num_layers: 4
                  hidden_size: 96
                  num_attention_heads: 4
                  head_groups: 2
                  kv_channels: 24
                  ffn_hidden_size: 256
                  gated: true
                  activation_type: silu
                  add_linear_biases: false
                  normalization:
                    type: rms_norm
                  rotary:
                    type: default
                    theta: 10000
              distributed:
                seed: 1234
                training_dtype: float32
            run:
              experiment_dir: ${experiment_dir}
            """;
}
