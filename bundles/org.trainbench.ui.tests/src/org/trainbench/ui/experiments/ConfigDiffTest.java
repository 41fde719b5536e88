package org.trainbench.ui.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigDiffTest {

    private static Map<String, String> configs(String... nameThenText) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < nameThenText.length; i += 2) {
            map.put(nameThenText[i], nameThenText[i + 1]);
        }
        return map;
    }

    @Test
    void listsOnlyTheKeysWhoseValuesDifferWithEachRunsValue() {
        ConfigDiff diff = ConfigDiff.of(configs(
                "a", FakeRun.config("/runs/a", "0.0003", 16, 1000),
                "b", FakeRun.config("/runs/b", "0.0001", 16, 2000)));
        assertEquals(List.of("a", "b"), diff.runs());
        assertEquals(List.of("training.train_iters", "optimizer.learning_rate.base"),
                diff.rows().stream().map(ConfigDiff.Row::key).toList());
        assertEquals(List.of("0.0003", "0.0001"), diff.rows().get(1).values());
        assertEquals(List.of("run.experiment_dir"), diff.runDirectoryRows().stream().map(ConfigDiff.Row::key).toList());
        assertEquals(List.of("/runs/a", "/runs/b"), diff.runDirectoryRows().get(0).values());
    }

    @Test
    void pathsResolvedFromEachRunsOwnDirectoryAreApartFromTheRealChanges() {
        String a = """
                data:
                  training: /runs/lr-a/data/
                  validation: /shared/val.bin
                tokenizer: /runs/lr-a/tokenizer.json
                run:
                  experiment_dir: /runs/lr-a/
                  cache: /runs/lr-a-cache
                """;
        String b = a.replace("/runs/lr-a/", "/runs/lr-b/").replace("/runs/lr-a-cache", "/runs/lr-b-cache")
                .replace("/shared/val.bin", "/shared/val2.bin");
        ConfigDiff diff = ConfigDiff.of(configs("a", a, "b", b));
        assertEquals(List.of("data.training", "tokenizer", "run.experiment_dir"),
                diff.runDirectoryRows().stream().map(ConfigDiff.Row::key).toList());
        assertEquals(List.of("data.validation", "run.cache"), diff.rows().stream().map(ConfigDiff.Row::key).toList(),
                "a sibling of the run directory and another file are real changes");
    }

    @Test
    void aPathUnderTheRunDirectoryThatAlsoChangedItsNameIsARealChange() {
        ConfigDiff diff = ConfigDiff.of(configs(
                "a", "export: /runs/a/export\nrun:\n  experiment_dir: /runs/a\n",
                "b", "export: /runs/b/hf\nrun:\n  experiment_dir: /runs/b\n"));
        assertEquals(List.of("export"), diff.rows().stream().map(ConfigDiff.Row::key).toList());
        assertEquals(List.of("run.experiment_dir"), diff.runDirectoryRows().stream().map(ConfigDiff.Row::key).toList());
    }

    @Test
    void valuesEqualAsYamlOneOneReadsThemAreNotDifferences() {
        ConfigDiff diff = ConfigDiff.of(configs(
                "a", "training:\n  train_iters: 100_000\n  wandb: yes\nbetas: [0.9, 0.95]\n",
                "b", "training:\n  train_iters: 100000\n  wandb: true\nbetas: [0.9, 0.95]\n"));
        assertTrue(diff.rows().isEmpty(), diff.rows().toString());
    }

    @Test
    void keysSetByOnlySomeRunsAndListsOfMappingsAreCompared() {
        ConfigDiff diff = ConfigDiff.of(configs(
                "a", "data:\n  datasets:\n    - path: x.bin\n      weight: 1\n    - path: y.bin\n      weight: 2\n",
                "b", "data:\n  datasets:\n    - path: x.bin\n      weight: 1\n    - path: z.bin\n      weight: 2\n  seed: 7\n",
                "c", "data:\n  datasets:\n    - path: x.bin\n      weight: 1\n    - path: y.bin\n      weight: 2\n  seed: ~\n"));
        assertEquals(List.of("data.datasets[1].path", "data.seed"), diff.rows().stream().map(ConfigDiff.Row::key).toList());
        assertEquals(List.of("y.bin", "z.bin", "y.bin"), diff.rows().get(0).values());
        assertEquals(Arrays.asList(null, "7", "~"), diff.rows().get(1).values(), "values as written");
    }

    @Test
    void anUnreadableConfigIsReportedWithItsRunAndPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigDiff.of(configs("good", "a: 1\n", "broken", "a: 1\nb: &anchor 2\n")));
        assertTrue(e.getMessage().startsWith("broken: config.resolved.yaml:2:"), e.getMessage());
    }
}
