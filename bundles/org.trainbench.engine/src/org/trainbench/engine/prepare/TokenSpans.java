package org.trainbench.engine.prepare;

import java.util.ArrayList;
import java.util.List;

/**
 * Character spans to token spans through token offsets: a token belongs to a span when any of its characters does,
 * so a token that straddles a span boundary is masked rather than trained on.
 */
final class TokenSpans {
    private TokenSpans() {
    }

    /**
     * @param starts token start offsets (code points)
     * @param ends token end offsets, exclusive
     * @param spans sorted, non-overlapping inclusive character spans
     */
    static boolean[] maskedTokens(int[] starts, int[] ends, int[][] spans) {
        boolean[] masked = new boolean[starts.length];
        int s = 0;
        for (int t = 0; t < starts.length; t++) {
            // skip spans that end before this token begins
            while (s < spans.length && spans[s][1] < starts[t]) {
                s++;
            }
            for (int k = s; k < spans.length && spans[k][0] < ends[t]; k++) {
                if (spans[k][1] >= starts[t] && ends[t] > starts[t]) {
                    masked[t] = true;
                    break;
                }
            }
        }
        return masked;
    }

    /** Maximal runs of true as inclusive [begin, end] positions. */
    static int[][] runs(boolean[] flags) {
        List<int[]> runs = new ArrayList<>();
        int i = 0;
        while (i < flags.length) {
            if (!flags[i]) {
                i++;
                continue;
            }
            int j = i;
            while (j + 1 < flags.length && flags[j + 1]) {
                j++;
            }
            runs.add(new int[] {i, j});
            i = j + 1;
        }
        return runs.toArray(new int[0][]);
    }
}
