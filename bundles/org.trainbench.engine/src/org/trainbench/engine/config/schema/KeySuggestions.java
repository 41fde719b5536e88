package org.trainbench.engine.config.schema;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for misspelled keys and values: the closest candidate by edit distance, if it is close enough. */
public final class KeySuggestions {

    private KeySuggestions() {
    }

    /**
     * The candidate closest to {@code written}, if its distance is small for the length of the word (at most a third of
     * it, and at most 3 edits), or if one contains the other as a whole word part (e.g. {@code hidden} for
     * {@code hidden_size}).
     */
    public static Optional<String> closest(String written, Collection<String> candidates) {
        String target = written.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            if (candidate.equals(written)) {
                continue;
            }
            int distance = distance(target, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int allowed = Math.min(3, Math.max(1, target.length() / 3));
        if (bestDistance <= allowed) {
            return Optional.of(best);
        }
        for (String candidate : candidates) {
            String lower = candidate.toLowerCase(Locale.ROOT);
            if (target.length() >= 4 && (lower.startsWith(target + "_") || lower.endsWith("_" + target)
                    || target.startsWith(lower + "_") || target.endsWith("_" + lower))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
    static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 8) {
            return Math.abs(a.length() - b.length());
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
