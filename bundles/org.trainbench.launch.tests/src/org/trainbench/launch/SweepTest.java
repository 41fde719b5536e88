package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.config.schema.ConfigOverrides;
import org.trainbench.engine.config.schema.ConfigTree;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;

/** Grid expansion, directory naming and the overrides of a sweep, without a workbench. */
class SweepTest {
    @TempDir
    Path temp;

    private static final String CONFIG = """
            training:
              train_iters: 100
            optimizer:
              learning_rate:
                base: 3.0e-03
            run:
              experiment_dir: runs/base
            """;

    @Test
    void aGridOfTwoKeysHasEveryCombinationTheFirstKeyVaryingSlowestEachNamedAfterItsValues() throws Exception {
        Sweep sweep = Sweep.parse("lr-seed", """
                # learning rate and seed
                optimizer.learning_rate.base = 1e-4, 3.0e-4
                data.sampling.seed = [1, 2, 3]
                """);
        List<Sweep.Point> points = sweep.points();
        assertEquals(6, points.size());
        assertEquals(List.of("base=1e-4,seed=1", "base=1e-4,seed=2", "base=1e-4,seed=3", "base=3.0e-4,seed=1", "base=3.0e-4,seed=2",
                "base=3.0e-4,seed=3"), points.stream().map(Sweep.Point::name).toList());
        assertEquals(List.of(new ConfigOverride("optimizer.learning_rate.base", "3.0e-4"), new ConfigOverride("data.sampling.seed", "2")),
                points.get(4).assignments());
        Path parent = temp.resolve("runs");
        assertEquals(parent.resolve("lr-seed/base=1e-4,seed=3"), sweep.directory(parent, points.get(2)));
        assertTrue(!sweep.isDuplicate());
    }

    @Test
    void keysWithTheSameLastPartAreToldApartByMoreOfTheirPathAndValuesBecomeSafeNames() throws Exception {
        Sweep sweep = Sweep.parse("s", "optimizer.learning_rate.base = 1e-4, 2e-4\nmodel.base = [[0.9, 0.95]]\ntraining.path = a/b c\n");
        assertEquals("learning_rate.base=1e-4,model.base=0.9_0.95,path=a_b_c", sweep.points().get(0).name());
        assertEquals("[0.9, 0.95]", sweep.points().get(0).assignments().get(1).value(), "a list value is passed as written");
    }

    @Test
    void eachPointRunsWithTheSourceSettingsItsValuesAndItsOwnExperimentDirectoryLast() throws Exception {
        Sweep sweep = Sweep.parse("lr", "optimizer.learning_rate.base = 1.0e-4, 3.0e-4");
        TrainingRunSettings source = TrainingRunSettings.forConfig("/c/demo.yaml").withBackend(Backend.CUDA, 2).withOverrides(List.of(
                new ConfigOverride("training.train_iters", "10"), new ConfigOverride("optimizer.learning_rate.base", "9"),
                new ConfigOverride("run.experiment_dir", "/old")));
        Path parent = Path.of("/runs");
        TrainingRunSettings second = sweep.settings(source, parent, sweep.points().get(1));
        assertEquals(List.of("training.train_iters=10", "optimizer.learning_rate.base=3.0e-4", "run.experiment_dir=/runs/lr/base=3.0e-4"),
                second.overrides().stream().map(ConfigOverride::toString).toList());
        assertEquals(Backend.CUDA, second.backend());
        assertEquals(2, second.gpuCount());

        // The engine's --set semantics: applied to the config, the point's values and directory are what the run reads.
        YamlNode applied = ConfigOverrides.apply(YamlParser.parse(CONFIG), second.overrides().stream().map(ConfigOverride::toString).toList());
        assertEquals(3e-4, ((Number) ConfigTree.scalar(applied, "optimizer.learning_rate.base").orElseThrow().value()).doubleValue());
        assertEquals("/runs/lr/base=3.0e-4", ConfigTree.scalar(applied, "run.experiment_dir").orElseThrow().value());
        assertEquals(Path.of("/runs/lr/base=3.0e-4"),
                TrainingRunDelegate.experimentDirectory(Path.of("/c/demo.yaml"), Path.of("/c"), second.overrides()));
    }

    @Test
    void oneValuePerKeyIsADuplicateWithChangesInItsOwnDirectory() throws Exception {
        Sweep duplicate = Sweep.parse("demo-lr-1e-4", "optimizer.learning_rate.base = 1e-4\ntraining.train_iters = 50");
        assertTrue(duplicate.isDuplicate());
        Sweep.Point point = duplicate.points().getFirst();
        assertEquals("demo-lr-1e-4", point.name());
        assertEquals(temp.resolve("demo-lr-1e-4"), duplicate.directory(temp, point));
    }

    @Test
    void aKeyTheConfigDoesNotHaveIsRefusedWithTheEnginesSuggestionAndAnExistingFolderToo() throws Exception {
        Sweep typo = Sweep.parse("lr", "optimizer.learning_rate.bsae = 1e-4, 3e-4");
        String problem = typo.problem(CONFIG, temp);
        assertTrue(problem.contains("`bsae` is not a key of `optimizer.learning_rate`; did you mean `base`?"), problem);

        Sweep sweep = Sweep.parse("lr", "optimizer.learning_rate.base = 1e-4, 3e-4");
        assertNull(sweep.problem(CONFIG, temp));
        Files.createDirectories(temp.resolve("lr"));
        assertTrue(sweep.problem(CONFIG, temp).endsWith("already exists: choose another name"));
    }

    @Test
    void whatCannotBeASweepSaysWhichLineAndWhatToWrite() {
        assertTrue(assertThrows(Sweep.InvalidSweepException.class, () -> Sweep.parse("lr", "optimizer.learning_rate.base 1e-4"))
                .getMessage().startsWith("Line 1 'optimizer.learning_rate.base 1e-4': expected key = value, value"));
        assertTrue(assertThrows(Sweep.InvalidSweepException.class, () -> Sweep.parse("lr", "a.b = 1\n\na.b = 2"))
                .getMessage().startsWith("Line 3 'a.b = 2': a.b is already swept"));
        assertTrue(assertThrows(Sweep.InvalidSweepException.class, () -> Sweep.parse("lr", "run.experiment_dir = a, b"))
                .getMessage().contains("each run of a sweep gets its own run.experiment_dir"));
        assertTrue(assertThrows(Sweep.InvalidSweepException.class, () -> Sweep.parse("a/b", "x.y = 1"))
                .getMessage().startsWith("Name 'a/b'"));
        assertTrue(assertThrows(Sweep.InvalidSweepException.class, () -> Sweep.parse("lr", "x.y = 1, 1"))
                .getMessage().endsWith("a value is listed twice"));
        assertTrue(assertThrows(Sweep.InvalidSweepException.class, () -> Sweep.parse("lr", "# nothing"))
                .getMessage().startsWith("Enter at least one key"));
    }

    @Test
    void theSweepFileRecordsTheSourceKeysAndRuns() throws Exception {
        Sweep sweep = Sweep.parse("lr", "optimizer.learning_rate.base = 1e-4, 3e-4");
        String record = sweep.record(Path.of("/runs/demo"));
        YamlNode tree = YamlParser.parse(record);
        assertEquals("/runs/demo", ConfigTree.scalar(tree, "source").orElseThrow().value());
        assertTrue(record.contains("  optimizer.learning_rate.base: [1e-4, 3e-4]\n"), record);
        assertTrue(record.contains("runs:\n  - base=1e-4\n  - base=3e-4\n"), record);
    }
}
