package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ConfigOverrideTest {

    @Test
    void theValueIsEverythingAfterTheFirstEqualsSign() {
        ConfigOverride override = ConfigOverride.parse(" data.datasets.training.path = a=b.yaml ");
        assertEquals("data.datasets.training.path", override.key());
        assertEquals("a=b.yaml", override.value());
        assertEquals("data.datasets.training.path=a=b.yaml", override.toString());
    }

    @Test
    void aDottedKeyIsAcceptedAndMalformedKeysAreNamedInTheProblem() {
        assertNull(new ConfigOverride("optimizer.learning_rate.base", "3e-4").problem());
        assertEquals("Override key 'training..train_iters' is not a dotted config key: use letters, digits and '_' "
                + "separated by '.', e.g. batch.micro_batch_size",
                new ConfigOverride("training..train_iters", "1").problem());
        assertEquals("An override has an empty key: enter a dotted config key such as training.train_iters",
                ConfigOverride.parse("=5").problem());
    }
}
