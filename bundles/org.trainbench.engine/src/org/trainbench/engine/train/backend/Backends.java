package org.trainbench.engine.train.backend;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Finds a {@link BackendProvider} by name: {@code cpu} is built in; the others are read from the class path with
 * {@link ServiceLoader} ({@code META-INF/services/org.trainbench.engine.train.backend.BackendProvider} in their jar).
 */
public final class Backends {
    /** The bundle whose jar brings the CUDA backend, named in the error when it is not on the class path. */
    public static final String CUDA_BUNDLE = "org.trainbench.engine.cuda";
    /** The name of the CUDA backend, which {@link #CUDA_BUNDLE} registers. */
    public static final String CUDA = "cuda";

    private Backends() {
    }

    /** Every backend on this class path, cpu first. */
    public static List<BackendProvider> available() {
        List<BackendProvider> all = new ArrayList<>();
        all.add(CpuBackend.PROVIDER);
        // the engine's class loader sees the whole class path of a plain JVM (the CLI); the context class loader also
        // covers containers where the backend's jar is not visible from the engine's (OSGi, tests)
        Set<Class<?>> seen = new HashSet<>();
        for (ClassLoader loader : new ClassLoader[] {Backends.class.getClassLoader(), Thread.currentThread().getContextClassLoader()}) {
            if (loader == null) {
                continue;
            }
            for (BackendProvider provider : ServiceLoader.load(BackendProvider.class, loader)) {
                if (seen.add(provider.getClass())) {
                    all.add(provider);
                }
            }
        }
        return all;
    }

    /**
     * The backend of this name (case-insensitive).
     *
     * @throws BackendUnavailableException naming the backends there are, and for {@code cuda} the jar that brings it
     */
    public static BackendProvider named(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        List<String> names = new ArrayList<>();
        for (BackendProvider provider : available()) {
            if (provider.name().equals(wanted)) {
                return provider;
            }
            names.add(provider.name());
        }
        if (wanted.equals(CUDA)) {
            throw new BackendUnavailableException("--backend " + CUDA + ": the CUDA backend (" + CUDA_BUNDLE + ".jar) is not on the class path;"
                    + " the trainbench distribution's lib/ folder holds it; train with --backend cpu meanwhile");
        }
        throw new BackendUnavailableException("--backend " + name + ": expected one of " + String.join(", ", names));
    }
}
