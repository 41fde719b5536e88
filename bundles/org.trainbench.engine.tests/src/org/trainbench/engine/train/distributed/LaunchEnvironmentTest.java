package org.trainbench.engine.train.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** torchrun's and Slurm's variables, and the launch mistakes reported before anything starts. */
class LaunchEnvironmentTest {

    @Test
    void torchrunVariablesGiveRankWorldAndMaster() {
        LaunchEnvironment e = LaunchEnvironment.from(Map.of("RANK", "3", "WORLD_SIZE", "4", "LOCAL_RANK", "1", "MASTER_ADDR", "node7",
                "MASTER_PORT", "29400"));
        assertEquals(new LaunchEnvironment(3, 4, 1, "node7", 29400), e);
        assertTrue(e.distributed());
    }

    @Test
    void slurmVariablesUseTheFirstHostOfTheNodeListAndTorchrunsDefaultPort() {
        LaunchEnvironment e = LaunchEnvironment.from(Map.of("SLURM_PROCID", "5", "SLURM_NTASKS", "8", "SLURM_LOCALID", "1",
                "SLURM_NODELIST", "gpu-a[07-09,12],gpu-b3"));
        assertEquals(new LaunchEnvironment(5, 8, 1, "gpu-a07", LaunchEnvironment.DEFAULT_PORT), e);
        assertEquals("n1", LaunchEnvironment.firstHost("n1,n2"));
        assertEquals("rack1-n3", LaunchEnvironment.firstHost("rack1-n[3-4]"));
        assertEquals("solo", LaunchEnvironment.firstHost("solo"));
    }

    @Test
    void noVariablesOrOneSlurmTaskIsASingleProcess() {
        assertEquals(LaunchEnvironment.SINGLE, LaunchEnvironment.from(Map.of()));
        assertTrue(!LaunchEnvironment.from(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "1")).distributed());
    }

    @Test
    void worldSizeWithoutRankAndOtherContradictionsAreNamedWithTheVariable() {
        String missing = assertThrows(LaunchEnvironment.InvalidLaunchException.class,
                () -> LaunchEnvironment.from(Map.of("WORLD_SIZE", "2"))).getMessage();
        assertTrue(missing.startsWith("WORLD_SIZE is set but RANK is not"), missing);
        String range = assertThrows(LaunchEnvironment.InvalidLaunchException.class,
                () -> LaunchEnvironment.from(Map.of("WORLD_SIZE", "2", "RANK", "2"))).getMessage();
        assertTrue(range.startsWith("RANK is 2 but WORLD_SIZE is 2"), range);
        String port = assertThrows(LaunchEnvironment.InvalidLaunchException.class,
                () -> LaunchEnvironment.from(Map.of("WORLD_SIZE", "2", "RANK", "0", "MASTER_PORT", "http"))).getMessage();
        assertTrue(port.startsWith("MASTER_PORT is 'http'"), port);
    }
}
