package org.trainbench.launch.ui;

import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import org.eclipse.core.resources.IResource;
import org.eclipse.core.runtime.Adapters;
import org.eclipse.core.runtime.IPath;
import org.eclipse.ui.IPathEditorInput;
import org.eclipse.ui.IURIEditorInput;

/**
 * The file on disk behind whatever the user selected or edits: a workspace file (IFile/IResource), a file opened
 * from the file system (File > Open File gives an IURIEditorInput), a java.io.File or a java.nio.file.Path, directly
 * or through an adapter. Trainbench works without projects, so all of these must launch the same way.
 */
public final class ConfigFileLocation {

    private ConfigFileLocation() {
    }

    /** The local file behind {@code element}, or empty when it is not a local file. */
    public static Optional<Path> of(Object element) {
        if (element == null) {
            return Optional.empty();
        }
        if (element instanceof Path path) {
            return Optional.of(path.toAbsolutePath());
        }
        if (element instanceof File file) {
            return Optional.of(file.toPath().toAbsolutePath());
        }
        if (element instanceof IResource resource) {
            IPath location = resource.getLocation();
            return location == null || resource.getType() != IResource.FILE ? Optional.empty()
                    : Optional.of(location.toPath());
        }
        if (element instanceof IPathEditorInput input) {
            try {
                return Optional.of(input.getPath().toPath());
            } catch (IllegalArgumentException e) {
                // Editor inputs may have no path (e.g. a file on a remote file system).
            }
        }
        if (element instanceof IURIEditorInput input) {
            URI uri = input.getURI();
            if (uri != null && "file".equals(uri.getScheme())) {
                return Optional.of(Path.of(uri));
            }
        }
        IResource resource = Adapters.adapt(element, IResource.class);
        if (resource != null) {
            return of(resource);
        }
        File file = Adapters.adapt(element, File.class);
        if (file != null) {
            return of(file);
        }
        Path path = Adapters.adapt(element, Path.class);
        return path == null ? Optional.empty() : of(path);
    }

    /** Whether {@code element} is a local file named like a config (.yaml, .yml); looks at the name only. */
    public static boolean isConfigFile(Object element) {
        return of(element).map(ConfigFileLocation::hasConfigName).orElse(false);
    }

    static boolean hasConfigName(Path path) {
        Path name = path.getFileName();
        if (name == null) {
            return false;
        }
        String lower = name.toString().toLowerCase(Locale.ROOT);
        return lower.endsWith(".yaml") || lower.endsWith(".yml");
    }
}
