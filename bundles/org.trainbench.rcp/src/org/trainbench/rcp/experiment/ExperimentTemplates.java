package org.trainbench.rcp.experiment;

import java.util.List;

import org.trainbench.launch.Backend;

/** The templates of the New Experiment wizard, in the order it lists them. */
public final class ExperimentTemplates {

    /** An 8B checkpoint with optimizer state is ~100 GB: give it ten minutes. */
    private static final int LARGE_STOP_TIMEOUT = 600;

    public static final ExperimentTemplate PRETRAIN_FROM_SCRATCH = new ExperimentTemplate(
            "Pretrain Llama 3.1 8B from scratch",
            "The Fast-LLM guide's pretraining run with the architecture written out: 32 layers, hidden size 4096, "
                    + "32 heads in 8 key/value groups, gated SiLU MLP of 14336, RMSNorm, Llama 3 rotary (8.03 B parameters). "
                    + "100,000 steps of 480 x 4096 tokens in bf16 with ZeRO stage 2. Needs the tokenized dataset "
                    + "that data.path names (trainbench prepare).",
            "templates/llama-3.1-8b-pretrain-from-scratch.yaml", "llama-3.1-8b-scratch", Backend.CUDA, 8,
            LARGE_STOP_TIMEOUT, false);

    public static final ExperimentTemplate PRETRAIN_FROM_PRETRAINED_CONFIG = new ExperimentTemplate(
            "Pretrain Llama 3.1 8B from a pretrained config",
            "The same pretraining run, with the architecture read from the Hugging Face Llama-3.1-8B config.json "
                    + "that pretrained.path names; the weights start random (model_weights: no). Clone the model "
                    + "repository without its weights first (GIT_LFS_SKIP_SMUDGE=1 git clone ...).",
            "templates/llama-3.1-8b-pretrain-pretrained.yaml", "llama-3.1-8b-pretrain", Backend.CUDA, 8,
            LARGE_STOP_TIMEOUT, false);

    public static final ExperimentTemplate SFT_WITH_LOSS_MASKING = new ExperimentTemplate(
            "SFT Llama 3.1 8B with loss masking",
            "Instruction finetuning of the pretrained Llama 3.1 8B: loss on the assistant's answers only "
                    + "(loss-masking spans), no attention across packed documents, no truncated documents; 5,000 steps "
                    + "of 32 x 4096 tokens, an export in Hugging Face format every 1,000. Prepare the chat dataset "
                    + "first (examples/llama-3.1-8b-sft-prepare.yaml).",
            "templates/llama-3.1-8b-sft-train.yaml", "llama-3.1-8b-sft", Backend.CUDA, 8, LARGE_STOP_TIMEOUT, false);

    public static final ExperimentTemplate TINY_DEMO = new ExperimentTemplate(
            "Tiny demo (CPU, a few minutes)",
            "A 4-layer Llama (hidden size 96) learns a synthetic chat task (reverse or sort digits, add two numbers) "
                    + "the way SFT trains: packed documents without cross-document attention, loss on the answers "
                    + "only. Runs on the CPU in a few minutes; the wizard writes its dataset into the experiment folder.",
            "templates/demo.yaml", "demo", Backend.CPU, 1, 120, true);

    public static final List<ExperimentTemplate> ALL = List.of(PRETRAIN_FROM_SCRATCH, PRETRAIN_FROM_PRETRAINED_CONFIG,
            SFT_WITH_LOSS_MASKING, TINY_DEMO);

    private ExperimentTemplates() {
    }
}
