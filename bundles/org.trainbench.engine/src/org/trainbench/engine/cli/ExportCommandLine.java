package org.trainbench.engine.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.trainbench.engine.safetensors.SafetensorsDType;

/**
 * {@code trainbench export PATH --format llama --output DIR [--dtype bfloat16] [--overwrite]} as a value: option names,
 * formats and weight types are declared here once, {@link ExportCommand} parses them and {@link #toArguments()}
 * writes them for the workbench's Export to Hugging Face. The format is always written (it says what the export is);
 * {@code --dtype} only when not float32, {@code --overwrite} only when set.
 *
 * @param source    an experiment directory (its newest intact checkpoint) or {@code EXPERIMENT/checkpoints/step-N}
 * @param output    the directory to write
 */
public record ExportCommandLine(Path source, String format, Path output, Dtype dtype, boolean overwrite) {
    public static final String COMMAND = "export";
    public static final String FORMAT = "--format";
    public static final String OUTPUT = "--output";
    public static final String DTYPE = "--dtype";
    public static final String OVERWRITE = "--overwrite";
    /** The only format there is: a Hugging Face Llama directory. */
    public static final String LLAMA = "llama";
    /** {@link #DTYPE}'s default, as picocli reads it. */
    public static final String DEFAULT_DTYPE = "float32";

    /** The weights' type in the export. */
    public enum Dtype {
        /** The checkpoint's own values, bit for bit: the export's logits equal the trained model's. */
        FLOAT32(DEFAULT_DTYPE, SafetensorsDType.F32),
        /** Half the size; rounds every weight to 8 bits of mantissa. */
        BFLOAT16("bfloat16", SafetensorsDType.BF16);

        private final String id;
        private final SafetensorsDType type;

        Dtype(String id, SafetensorsDType type) {
            this.id = id;
            this.type = type;
        }

        /** The value of {@link ExportCommandLine#DTYPE}. */
        public String id() {
            return id;
        }

        public SafetensorsDType safetensors() {
            return type;
        }

        /** The type named {@code id}, or null when there is none. */
        public static Dtype named(String id) {
            for (Dtype dtype : values()) {
                if (dtype.id.equals(id.toLowerCase(Locale.ROOT))) {
                    return dtype;
                }
            }
            return null;
        }

        /** The ids, for messages: {@code float32 or bfloat16}. */
        public static String ids() {
            return String.join(" or ", java.util.Arrays.stream(values()).map(Dtype::id).toList());
        }
    }

    public ExportCommandLine {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(dtype, "dtype");
    }

    /** A Llama export of {@code source} into {@code output}. */
    public static ExportCommandLine llama(Path source, Path output, Dtype dtype, boolean overwrite) {
        return new ExportCommandLine(source, LLAMA, output, dtype, overwrite);
    }

    /** The arguments after the program name, starting with {@value #COMMAND}. */
    public List<String> toArguments() {
        List<String> arguments = new ArrayList<>(List.of(COMMAND, source.toString(), FORMAT, format, OUTPUT, output.toString()));
        if (dtype != Dtype.FLOAT32) {
            arguments.addAll(List.of(DTYPE, dtype.id()));
        }
        if (overwrite) {
            arguments.add(OVERWRITE);
        }
        return arguments;
    }
}
