package org.trainbench.engine.config.check;

import java.util.Locale;

/** How bad a diagnostic is: errors stop a run (and make `trainbench validate` exit 1); warnings and infos do not. */
public enum Severity {
    ERROR, WARNING, INFO;

    /** "error", "warning", "info", as printed by `trainbench validate`. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
