package org.trainbench.launch;

import org.trainbench.engine.cli.ExportCommandLine;

/** The weight types the export dialog offers ({@code trainbench export --dtype}, the engine's {@link ExportCommandLine.Dtype}). */
public enum ExportDtype {
    FLOAT32(ExportCommandLine.Dtype.FLOAT32, "float32 (exact, as trained)"),
    BFLOAT16(ExportCommandLine.Dtype.BFLOAT16, "bfloat16 (half the size)");

    private final ExportCommandLine.Dtype engine;
    private final String label;

    ExportDtype(ExportCommandLine.Dtype engine, String label) {
        this.engine = engine;
        this.label = label;
    }

    /** The engine's type. */
    public ExportCommandLine.Dtype engine() {
        return engine;
    }

    /** The value of the engine's --dtype option. */
    public String id() {
        return engine.id();
    }

    /** What the export dialog offers. */
    public String label() {
        return label;
    }
}
