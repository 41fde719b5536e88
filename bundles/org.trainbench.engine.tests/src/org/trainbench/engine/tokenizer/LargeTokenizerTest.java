package org.trainbench.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer of Llama 3's size ({@link LargeTokenizerFixture}: 128,000 model tokens, 280,147 merges, 256 added tokens)
 * loads to the same ids and offsets as before its loading was rewritten for speed: the digest was recorded with the
 * tokenizer of commit 26fd84c (generic JSON tree, HashMap vocabulary), which the Hugging Face fixtures check.
 */
class LargeTokenizerTest {
    /** The digest of {@link #digest} over {@code LargeTokenizerFixture.corpus(200_000, 7)}, recorded at 26fd84c. */
    private static final long RECORDED_DIGEST = -1768766694634199055L;
    private static final int RECORDED_TOKENS = 740_568;

    @TempDir
    static Path directory;
    static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Tokenizer.load(LargeTokenizerFixture.write(directory));
    }

    static long digest(Encoding encoding) {
        long h = 1125899906842597L;
        for (int i = 0; i < encoding.size(); i++) {
            h = 31 * h + encoding.ids()[i];
            h = 31 * h + encoding.starts()[i];
            h = 31 * h + encoding.ends()[i];
        }
        return h;
    }

    @Test
    void encodesACorpusToTheIdsAndOffsetsRecordedBeforeTheFastLoader() {
        Encoding encoding = tokenizer.encode(LargeTokenizerFixture.corpus(200_000, 7));
        assertEquals(RECORDED_TOKENS, encoding.size());
        assertEquals(RECORDED_DIGEST, digest(encoding));
    }

    @Test
    void knowsEveryModelAndAddedToken() {
        assertEquals(128_256, tokenizer.vocabularySize());
        assertEquals(OptionalInt.of(128_009), tokenizer.tokenId("<|eot_id|>"));
        assertEquals(OptionalInt.of(33), tokenizer.tokenId("!")); // bytes first, in byte order
        assertEquals("<|begin_of_text|>", tokenizer.token(128_000));
        for (int id = 0; id < 128_000; id += 997) {
            assertEquals(OptionalInt.of(id), tokenizer.tokenId(tokenizer.token(id)), "token " + id);
        }
    }

    public static void main(String[] args) throws IOException {
        Tokenizer t = Tokenizer.load(LargeTokenizerFixture.write(Path.of(args[0])));
        Encoding e = t.encode(LargeTokenizerFixture.corpus(200_000, 7));
        System.out.println(e.size() + " tokens, digest " + digest(e) + "L");
    }
}
