package org.trainbench.launch;

import java.util.Locale;

import org.trainbench.engine.cli.TrainCommandLine;
import org.trainbench.engine.train.backend.Backends;

/** Where the engine computes: the CPU reference backend, or NVIDIA GPUs through org.trainbench.engine.cuda. */
public enum Backend {
    CPU(TrainCommandLine.DEFAULT_BACKEND),
    CUDA(Backends.CUDA);

    private final String id;

    Backend(String id) {
        this.id = id;
    }

    /** The name stored in launch configurations and passed to the engine. */
    public String id() {
        return id;
    }

    /** The backend named by a launch configuration attribute; an unknown or missing name falls back to CPU. */
    public static Backend fromId(String id) {
        if (id != null) {
            for (Backend backend : values()) {
                if (backend.id.equals(id.toLowerCase(Locale.ROOT))) {
                    return backend;
                }
            }
        }
        return CPU;
    }
}
