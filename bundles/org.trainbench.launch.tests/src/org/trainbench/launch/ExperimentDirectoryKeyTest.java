package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExperimentDirectoryKeyTest {

    private static final String SFT = """
            training:
              train_iters: 5_000
            # where everything goes
            run:
              # the run's folder
              experiment_dir: ./sft-tutorial/llama-3.1-8b-instruct-magpie  # checkpoints, metrics
            model:
              distributed:
                training_dtype: bf16
            """;

    @Test
    void readsTheExperimentDirBelowTheTopLevelRunKey() {
        assertEquals("./sft-tutorial/llama-3.1-8b-instruct-magpie", ExperimentDirectoryKey.read(SFT));
        assertEquals("my run", ExperimentDirectoryKey.read("run:\n    experiment_dir: 'my run'\n"));
        assertEquals("a \"b\"", ExperimentDirectoryKey.read("run:\n  experiment_dir: \"a \\\"b\\\"\"\n"));
    }

    @Test
    void anExperimentDirOutsideRunOrNestedDeeperIsNotTheRunsDirectory() {
        assertNull(ExperimentDirectoryKey.read("other:\n  experiment_dir: x\n"));
        assertNull(ExperimentDirectoryKey.read("run:\n  nested:\n    experiment_dir: x\n"));
        assertNull(ExperimentDirectoryKey.read("run:\n  experiment_dir:\n"));
        assertNull(ExperimentDirectoryKey.read("training:\n  train_iters: 3\n"));
    }

    @Test
    void writingReplacesOnlyTheValueAndKeepsCommentsAndLayout() {
        String written = ExperimentDirectoryKey.write(SFT, "/home/ada/experiments/sft-1");
        assertEquals(SFT.replace("./sft-tutorial/llama-3.1-8b-instruct-magpie  # checkpoints, metrics",
                "/home/ada/experiments/sft-1 # checkpoints, metrics"), written);
    }

    @Test
    void writingAddsTheKeyToAnExistingRunSectionOrAddsTheSection() {
        assertEquals("run:\n    experiment_dir: out\n    seed: 3\nbatch:\n  batch_size: 4\n",
                ExperimentDirectoryKey.write("run:\n    seed: 3\nbatch:\n  batch_size: 4\n", "out"));
        assertEquals("batch:\n  batch_size: 4\n\nrun:\n  experiment_dir: out\n",
                ExperimentDirectoryKey.write("batch:\n  batch_size: 4\n", "out"));
    }

    @Test
    void valuesThatYamlWouldNotReadAsPlainStringsAreQuotedAndReadBackUnchanged() {
        for (String directory : new String[] {"yes", "no", "1234", "1e3", "~", "/tmp/a: b", "/tmp/x #1", "C:\\runs\\\"q\"",
                "/tmp/with space/run"}) {
            String written = ExperimentDirectoryKey.write(SFT, directory);
            assertEquals(directory, ExperimentDirectoryKey.read(written), written);
        }
        assertEquals("run:\n  experiment_dir: \"yes\"\n", ExperimentDirectoryKey.write("run:\n  experiment_dir: x\n", "yes"));
    }

    @Test
    void readsAndWritesWithTheEngineReaderSoFlowStyleAndYaml11ScalarsReadAsTheEngineReadsThem() {
        // Once read with regexes that saw no experiment directory in flow style and read `0x1F` as text.
        assertEquals("out", ExperimentDirectoryKey.read("run: {experiment_dir: out, seed: 3}\n"));
        assertEquals("31", ExperimentDirectoryKey.read("run:\n  experiment_dir: 0x1F\n"));
        assertEquals("1e-5", ExperimentDirectoryKey.read("run:\n  experiment_dir: 1e-5\n"));
        assertEquals("run: {experiment_dir: new, seed: 3}\n",
                ExperimentDirectoryKey.write("run: {experiment_dir: out, seed: 3}\n", "new"));
        assertEquals("run: {experiment_dir: new, seed: 3}\n", ExperimentDirectoryKey.write("run: {seed: 3}\n", "new"));
        assertEquals("run:  # where\n  experiment_dir: new\nbatch: {}\n",
                ExperimentDirectoryKey.write("run:  # where\nbatch: {}\n", "new"));
        assertEquals("run:\n  experiment_dir: \"0x1F\"\n", ExperimentDirectoryKey.write("run:\n  experiment_dir:\n", "0x1F"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentDirectoryKey.write("run:\n  experiment_dir: [unclosed\n", "x"));
        assertTrue(e.getMessage().startsWith("line 2"), e.getMessage());
    }
}
