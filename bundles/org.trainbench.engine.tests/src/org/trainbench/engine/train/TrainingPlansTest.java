package org.trainbench.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.data.DatasetConfigFile;
import org.trainbench.engine.data.DatasetSource;
import org.trainbench.engine.config.training.TrainingDtype;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.train.backend.CpuBackend;
import org.trainbench.engine.train.sampling.Shuffling;
import org.trainbench.engine.train.schedule.DecayStyle;

class TrainingPlansTest {
    @TempDir
    Path temp;

    private final List<String> notes = new ArrayList<>();

    /** A small SFT config in the shape of the Fast-LLM guide, with the legacy validation form. */
    private Path config(String extra) throws IOException {
        Path data = temp.resolve("data");
        TinyRuns.writeDataset(data, "training", 30, 1);
        DatasetConfigFile.write(data.resolve("fast_llm_config_training.yaml"), new DatasetSource.Memmap(data.resolve("training")));
        String yaml = """
                training:
                  train_iters: 50
                  logs:
                    interval: 1
                  validation:
                    iterations: 3
                    interval: 10
                  checkpoint:
                    interval: 20
                    keep: 2
                  export:
                    format: llama
                    interval: 25
                batch:
                  micro_batch_size: 2
                  sequence_length: 32
                  batch_size: 8
                  cross_document_attention: no
                data:
                  datasets:
                    training:
                      type: file
                      path: %s
                    validation:
                      type: file
                      path: %s
                  truncate_documents: no
                  sampling:
                    use_loss_masking_spans: yes
                optimizer:
                  weight_decay: 0.1
                  beta_1: 0.9
                  beta_2: 0.95
                  learning_rate:
                    base: 2.0e-05
                    minimum: 0.0
                    decay_style: cosine
                    warmup_iterations: 5
                model:
                  base_model:
                    vocab_size: 24
                    tie_word_embeddings: false
                    transformer:
                      num_layers: 2
                      hidden_size: 16
                      num_attention_heads: 2
                      head_groups: 1
                      ffn_hidden_size: 32
                      gated: true
                      add_linear_biases: false
                      normalization:
                        type: rms_norm
                      rotary:
                        type: llama3
                      rotary_embedding_scale: -13.122363377404328
                  distributed:
                    training_dtype: bf16
                run:
                  experiment_dir: %s
                """.formatted(data.resolve("fast_llm_config_training.yaml"), data.resolve("fast_llm_config_training.yaml"),
                temp.resolve("run")) + extra;
        Path file = temp.resolve("sft.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void anSftConfigBecomesAPlanWithFastLlmSemantics() throws Exception {
        TrainingConfigFile file = TrainingConfigFile.read(config(""), List.of());
        TrainingPlan plan = TrainingPlans.from(file.config(), file.resolvedYaml(), notes::add);
        assertEquals(8, plan.batchSize());
        assertEquals(4, plan.microBatchesPerStep());
        assertFalse(plan.crossDocumentAttention());
        assertFalse(plan.truncateDocuments());
        assertTrue(plan.useLossMaskingSpans());
        assertEquals(Shuffling.EPOCH, plan.shuffling());
        assertEquals(784569, plan.dataSeed());
        // decay_iterations unset: decays over train_iters.
        assertEquals(50, plan.learningRate().decayIterations());
        assertEquals(DecayStyle.COSINE, plan.learningRate().style());
        assertEquals(0.95, plan.optimizer().beta2());
        // The legacy training.validation form becomes an evaluator on the "validation" dataset.
        assertEquals(List.of(new TrainingPlan.Evaluation("validation", "validation", TrainingPlan.Periodic.every(10), 3)),
                plan.evaluations());
        assertEquals(TrainingPlan.Periodic.every(20), plan.checkpoints());
        assertEquals(2, plan.keepCheckpoints());
        assertEquals("llama", plan.exportFormat());
        LlamaArchitecture arch = plan.architecture();
        assertEquals(LlamaArchitecture.Rotary.Type.LLAMA3, arch.rotary().type());
        assertEquals(500_000.0, arch.rotary().theta(), "theta = exp(-rotary_embedding_scale), as the binder rounds it");
        assertEquals(8, arch.kvChannels());
        assertEquals(TrainingDtype.BFLOAT16, plan.trainingDtype(), "training_dtype: bf16 reaches the backend");
        assertTrue(new CpuBackend(null, null, plan.trainingDtype()).description().contains("bfloat16 is computed in float32"),
                "the CPU backend says it computes bf16 configs in float32");
        assertTrue(plan.resolvedConfig().contains("evaluators:"), plan.resolvedConfig());
    }

    @Test
    void overridesApplyBeforeTheConfigIsChecked() throws Exception {
        TrainingConfigFile file = TrainingConfigFile.read(config(""), List.of("training.train_iters=7", "batch.batch_size=4"));
        TrainingPlan plan = TrainingPlans.from(file.config(), null, notes::add);
        assertEquals(7, plan.trainIters());
        assertEquals(4, plan.batchSize());
    }

    @Test
    void aConfigWithErrorsIsRefusedWithTheValidateDiagnostics() throws Exception {
        Path file = config("");
        Files.writeString(file, Files.readString(file).replace("micro_batch_size: 2", "micro_batch_size: -2"));
        TrainingConfigFile.InvalidConfigException error = assertThrows(TrainingConfigFile.InvalidConfigException.class,
                () -> TrainingConfigFile.read(file, List.of()));
        assertTrue(error.getMessage().contains(file + ":"), error.getMessage());
        assertTrue(error.getMessage().contains(": error: "), error.getMessage());
        assertTrue(error.getMessage().contains("the run was not started"), error.getMessage());
        assertFalse(error.diagnostics().isEmpty());
    }

    @Test
    void whatTheCpuEngineCannotRunIsRefusedNamingTheKey() throws Exception {
        TrainingConfigFile file = TrainingConfigFile.read(config(""), List.of("model.base_model.transformer.normalization.type=layer_norm"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> TrainingPlans.from(file.config(), null, notes::add));
        assertTrue(error.getMessage().startsWith("model.base_model.transformer.normalization.type"), error.getMessage());
    }

    @Test
    void resolvedConfigFillsDefaultsAndReadsBackAsTheSamePlan() throws Exception {
        TrainingConfigFile file = TrainingConfigFile.read(config(""), List.of());
        String resolved = file.resolvedYaml();
        assertTrue(resolved.contains("epsilon: 1.0e-08") || resolved.contains("epsilon: 1.0E-8"), resolved);
        assertNull(TrainingPlans.from(file.config(), null, notes::add).pretrained());
        Path again = temp.resolve("resolved.yaml");
        Files.writeString(again, resolved);
        TrainingPlan first = TrainingPlans.from(file.config(), null, notes::add);
        TrainingPlan second = TrainingPlans.from(TrainingConfigFile.read(again, List.of()).config(), null, notes::add);
        assertEquals(first, second);
    }
}
