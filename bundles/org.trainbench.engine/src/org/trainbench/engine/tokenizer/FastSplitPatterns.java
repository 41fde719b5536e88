package org.trainbench.engine.tokenizer;

/**
 * Picks the matcher for a Split/ByteLevel regex. Every pattern works through java.util.regex; the two patterns that
 * nearly all byte-level tokenizers use (GPT-2's and Llama 3's) could get hand-written scanners here for speed.
 */
final class FastSplitPatterns {
    private FastSplitPatterns() {
    }

    static PreTokenizer.PieceMatcher matcherFor(String regex) {
        return new PreTokenizer.RegexMatcher(PreTokenizer.compileRegex(regex));
    }
}
