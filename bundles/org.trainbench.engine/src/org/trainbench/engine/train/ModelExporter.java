package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.file.Path;

import org.trainbench.engine.model.LlamaModel;

/** Writes a model in an external format ({@code training.export.format}) into an empty directory. */
@FunctionalInterface
public interface ModelExporter {
    void export(LlamaModel model, Path directory) throws IOException;
}
