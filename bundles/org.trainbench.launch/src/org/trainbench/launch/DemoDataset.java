package org.trainbench.launch;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.Platform;
import org.eclipse.core.runtime.Status;
import org.osgi.framework.Bundle;

/**
 * The synthetic chat dataset that the demo config trains on (reverse or sort digits, add numbers; loss-masking spans
 * over the user turns), written by the engine's own writer so that it is exactly what {@code trainbench demo} uses.
 *
 * <p>Interim: the engine exports only its CLI package and the CLI has no "write the demo data only" command, so the
 * writer is reached through the engine bundle's class loader. Writing a few hundred kilobytes is no training; the IDE
 * still never trains in-process. Replace with a direct call once {@code org.trainbench.engine.train.demo} is
 * exported (or with a CLI call once {@code trainbench demo} can stop after writing its data).
 */
public final class DemoDataset {

    /** The dataset configs the demo config names under data.datasets, inside the data folder. */
    public static final String TRAINING_CONFIG = "fast_llm_config_training.yaml";
    public static final String VALIDATION_CONFIG = "fast_llm_config_validation.yaml";

    private static final String WRITER = "org.trainbench.engine.train.demo.DemoDataset";

    private DemoDataset() {
    }

    /** Writes the training and validation splits (memmap .idx/.bin and their fast_llm_config_*.yaml) into {@code dataFolder}. */
    public static void write(Path dataFolder) throws CoreException {
        Bundle engine = Platform.getBundle(EngineClasspath.ENGINE_BUNDLE);
        if (engine == null) {
            throw new CoreException(Status.error("Cannot write the demo dataset: bundle " + EngineClasspath.ENGINE_BUNDLE
                    + " is not installed"));
        }
        try {
            engine.loadClass(WRITER).getMethod("write", Path.class).invoke(null, dataFolder);
        } catch (InvocationTargetException e) {
            throw new CoreException(Status.error("Could not write the demo dataset into " + dataFolder + ": "
                    + e.getCause().getMessage(), e.getCause()));
        } catch (ReflectiveOperationException e) {
            throw new CoreException(Status.error("This engine build has no demo dataset writer (" + WRITER
                    + ".write(Path)); run `trainbench demo --dir " + dataFolder.getParent() + "` once instead", e));
        }
    }
}
