package org.trainbench.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.engine.cli.CliRun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.cli.ExitCodes;
import org.trainbench.engine.cli.CliRun;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.train.checkpoint.CheckpointStore;

/** `trainbench generate` on a run's experiment directory and on one of its checkpoints. */
class GenerateFromRunTest {
    private static final int[] PROMPT = {1, 5, 7, 3};
    private static final int NEW_TOKENS = 6;

    @TempDir
    Path temp;

    /** Trains the tiny config of TrainCommandTest for 4 steps with checkpoints at 2 and 4; returns the run directory. */
    private Path trainedRun() throws IOException {
        Path data = temp.resolve("data");
        TinyRuns.writeDataset(data, "training", 60, 3);
        Path file = temp.resolve("tiny.yaml");
        TinyRuns.writeConfig(file, data.resolve("training").toString(), temp.resolve("run"));
        CliRun trained = cli("train", file.toString(), "--set", "optimizer.learning_rate.base=3.0e-02");
        assertEquals(ExitCodes.OK, trained.exitCode(), trained.err());
        return temp.resolve("run");
    }

    /** The continuation that the checkpoint's own weights give with LlamaModel.generate, as the CLI prints it. */
    private static String greedyFromCheckpoint(Path run, long step) throws Exception {
        TrainingConfigFile file = TrainingConfigFile.read(run.resolve("config.resolved.yaml"), List.of());
        LlamaModel model = LlamaModel.empty(TrainingPlans.from(file.config(), null, n -> { }).architecture());
        CheckpointStore.restore(new CheckpointStore.Checkpoint(step, run.resolve("checkpoints/step-" + step)), model.parameters(), null);
        int[] generated = model.generate(PROMPT, NEW_TOKENS, 0f, 0L, new int[0]);
        return Arrays.stream(generated).mapToObj(Integer::toString).collect(Collectors.joining(" "));
    }

    private static String promptIds() {
        return Arrays.stream(PROMPT).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    @Test
    void generatesFromTheNewestCheckpointOfAnExperimentDirectoryAndFromANamedCheckpoint() throws Exception {
        Path run = trainedRun();
        CliRun fromRun = cli("generate", run.toString(), "--prompt-ids", promptIds(), "--max-new-tokens", "" + NEW_TOKENS, "--ids");
        assertEquals(ExitCodes.OK, fromRun.exitCode(), fromRun.err());
        String step4 = greedyFromCheckpoint(run, 4);
        assertEquals(step4, fromRun.out().strip());
        assertEquals(NEW_TOKENS, step4.split(" ").length);

        CliRun fromStep2 = cli("generate", run.resolve("checkpoints/step-2").toString(), "--prompt-ids", promptIds(),
                "--max-new-tokens", "" + NEW_TOKENS, "--ids");
        assertEquals(ExitCodes.OK, fromStep2.exitCode(), fromStep2.err());
        assertEquals(greedyFromCheckpoint(run, 2), fromStep2.out().strip());
    }

    @Test
    void maxNewTokensBeyondTheRunsSequenceLengthIsRefusedAndUpToItRuns() throws Exception {
        Path run = trainedRun();
        // TinyRuns trains with batch.sequence_length 16: a 4-token prompt leaves 12 positions.
        CliRun refused = cli("generate", run.toString(), "--prompt-ids", promptIds(), "--max-new-tokens", "13", "--ids");
        assertEquals(ExitCodes.USAGE, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("--max-new-tokens 13 after a prompt of 4 tokens runs past the model's 16 positions"
                + " (batch.sequence_length in " + run.toAbsolutePath().normalize().resolve("config.resolved.yaml")
                + "); pass --max-new-tokens 12 or less"), refused.err());
        CliRun longPrompt = cli("generate", run.toString(), "--prompt-ids", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17");
        assertEquals(ExitCodes.USAGE, longPrompt.exitCode(), longPrompt.err());
        assertTrue(longPrompt.err().contains("the prompt has 17 tokens, more than the model's 16 positions"), longPrompt.err());
        CliRun fits = cli("generate", run.toString(), "--prompt-ids", promptIds(), "--max-new-tokens", "12", "--ids");
        assertEquals(ExitCodes.OK, fits.exitCode(), fits.err());
    }

    @Test
    void aCorruptNewestCheckpointFallsBackToThePreviousOneWithAMessage() throws Exception {
        Path run = trainedRun();
        String step2 = greedyFromCheckpoint(run, 2);
        assertNotEquals(greedyFromCheckpoint(run, 4), step2, "the two checkpoints must tell apart for this test to mean anything");
        Path model4 = run.resolve("checkpoints/step-4/" + CheckpointStore.MODEL_FILE);
        byte[] bytes = Files.readAllBytes(model4);
        bytes[bytes.length - 1] ^= 0x55;
        Files.write(model4, bytes);

        CliRun result = cli("generate", run.toString(), "--prompt-ids", promptIds(), "--max-new-tokens", "" + NEW_TOKENS, "--ids");
        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        assertEquals(step2, result.out().strip());
        assertTrue(result.err().contains("checkpoint " + run.resolve("checkpoints/step-4").toAbsolutePath() + " is unusable"), result.err());
        assertTrue(result.err().contains("falling back to the previous checkpoint"), result.err());

        CliRun named = cli("generate", run.resolve("checkpoints/step-4").toString(), "--prompt-ids", promptIds(), "--ids");
        assertNotEquals(ExitCodes.OK, named.exitCode());
        assertTrue(named.err().contains(model4.toAbsolutePath().toString()), named.err());
    }

    @Test
    void aDirectoryThatIsNeitherAModelNorARunIsRefusedNamingWhatWasExpected() throws IOException {
        Path empty = Files.createDirectories(temp.resolve("nothing"));
        CliRun result = cli("generate", empty.toString(), "--prompt-ids", "1");
        assertEquals(ExitCodes.USAGE, result.exitCode());
        assertTrue(result.err().contains(empty + " is not a Hugging Face Llama directory"), result.err());
        assertTrue(result.err().contains("experiment directory"), result.err());
    }
}
