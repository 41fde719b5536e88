package org.trainbench.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.trainbench.engine.files.TextFiles;
import org.trainbench.engine.tokenizer.Encoding;
import org.trainbench.engine.tokenizer.Tokenizer;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** `trainbench tokenize`: ids and code-point offsets of a text, as Hugging Face tokenizers' Python API reports them. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Print token ids and offsets of a text, as Hugging Face tokenizers does:",
                "{\"ids\": [...], \"offsets\": [[start, end], ...]} with offsets in Unicode code points."})
public final class TokenizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOKENIZER", description = "A tokenizer.json, or a directory that holds one.")
    Path tokenizer;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT", description = "The text to tokenize.")
        String text;

        @Option(names = "--file", paramLabel = "FILE", description = "A UTF-8 file whose whole content is tokenized.")
        Path file;
    }

    @Option(names = "--no-special-tokens", description = "Leave out the post-processor's special tokens (BOS), like "
            + "add_special_tokens=False.")
    boolean noSpecialTokens;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Tokenizer loaded;
        try {
            loaded = Tokenizer.load(tokenizer);
        } catch (NoSuchFileException e) {
            err.println("trainbench tokenize: " + e.getFile() + ": " + (e.getReason() == null ? "not found" : e.getReason()));
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("trainbench tokenize: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        String text = input.text;
        if (text == null) {
            try {
                text = TextFiles.readUtf8(input.file);
            } catch (IOException e) {
                err.println("trainbench tokenize: cannot read " + input.file + ": " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        Encoding encoding = loaded.encode(text, !noSpecialTokens);
        PrintWriter out = spec.commandLine().getOut();
        out.println(encoding.toJson());
        out.flush();
        return ExitCodes.OK;
    }
}
