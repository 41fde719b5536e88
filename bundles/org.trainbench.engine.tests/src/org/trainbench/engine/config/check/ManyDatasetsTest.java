package org.trainbench.engine.config.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.config.ConfigExamples;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;

/**
 * A config with tens of thousands of {@code data.datasets} entries (one per shard) is checked in time linear in their
 * number: each entry's lookups go through the mapping's index, not a scan of every entry (which took 112 s at 87k).
 */
class ManyDatasetsTest {

    /** The SFT example with {@code n} memmap datasets added under data.datasets. */
    private static String configWithDatasets(int n) {
        StringBuilder datasets = new StringBuilder("  datasets:\n");
        for (int i = 0; i < n; i++) {
            datasets.append("    shard_").append(i).append(":\n      type: memmap\n      path: ./data/shard_").append(i).append('\n');
        }
        String text = ConfigExamples.text(ConfigExamples.SFT_TRAIN);
        assertTrue(text.contains("  datasets:\n"));
        return text.replace("  datasets:\n", datasets.toString());
    }

    private static long bestOfThreeNanos(String text) {
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            List<Diagnostic> diagnostics = ConfigChecker.check(text, null);
            best = Math.min(best, System.nanoTime() - start);
            assertTrue(diagnostics.stream().noneMatch(d -> d.severity() == Severity.ERROR), diagnostics.toString());
        }
        return best;
    }

    @Test
    void checkingTimeGrowsLinearlyWithTheNumberOfDatasets() {
        bestOfThreeNanos(configWithDatasets(2_000)); // warm-up
        long small = bestOfThreeNanos(configWithDatasets(5_000));
        long large = bestOfThreeNanos(configWithDatasets(40_000));
        // 8x the entries: about 8x the time when linear, 64x when quadratic (before the index: over 100x). The bound sits
        // between the two, with room for a loaded machine's collector pauses (24 tripped once under a load of 7 on 2 cores).
        double ratio = (double) large / small;
        assertTrue(ratio < 32, "8x the datasets took " + String.format("%.1f", ratio) + "x the time (" + small / 1_000_000
                + " ms -> " + large / 1_000_000 + " ms)");
    }

    @Test
    void aLargeMappingFindsTheLastOfDuplicateKeysLikeASmallOne() {
        for (int size : new int[] {3, 40}) {
            List<MappingNode.Entry> entries = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                entries.add(entry("k" + i, "v" + i));
            }
            entries.add(entry("k1", "last"));
            MappingNode mapping = new MappingNode(entries, YamlNode.CollectionStyle.BLOCK, range());
            assertEquals("last", ((ScalarNode) mapping.get("k1").orElseThrow()).text(), "size " + size);
            assertEquals("v0", ((ScalarNode) mapping.get("k0").orElseThrow()).text(), "size " + size);
            assertTrue(mapping.get("absent").isEmpty());
            assertEquals(size + 1, mapping.keys().size());
            assertEquals(mapping, new MappingNode(entries, YamlNode.CollectionStyle.BLOCK, range()));
        }
    }

    private static SourceRange range() {
        return new SourceRange(1, 1, 0, 1);
    }

    private static MappingNode.Entry entry(String key, String value) {
        return new MappingNode.Entry(new ScalarNode(key, ScalarNode.Style.PLAIN, range()), new ScalarNode(value, ScalarNode.Style.PLAIN, range()));
    }
}
