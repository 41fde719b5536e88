package org.trainbench.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Bf16Test {

    @Test
    void roundsToNearestWithTiesToEven() {
        float ulp = 0x1.0p-7f; // bf16 spacing just above 1
        assertEquals((short) 0x3f80, Bf16.fromFloat(1f));
        assertEquals(1f, Bf16.round(1f + ulp / 2), "a tie goes to the even mantissa (1.0)");
        assertEquals(1f + 2 * ulp, Bf16.round(1f + 1.5f * ulp), "a tie goes to the even mantissa (1 + 2 ulp)");
        assertEquals(1f + ulp, Bf16.round(1f + 0.75f * ulp));
        assertEquals(-3.140625f, Bf16.round(-3.14159f));
        assertTrue(Float.isNaN(Bf16.round(Float.NaN)));
        assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.POSITIVE_INFINITY));
    }
}
