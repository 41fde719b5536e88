package org.trainbench.engine.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/** A tokenizer file that cannot be used: unreadable JSON, an unknown model type or an unsupported component. */
public final class TokenizerFormatException extends IOException {
    public TokenizerFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
