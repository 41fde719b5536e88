package org.trainbench.rcp;

import java.net.URL;

import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.FileLocator;
import org.eclipse.core.runtime.Path;
import org.eclipse.core.runtime.Platform;
import org.eclipse.jface.resource.ImageDescriptor;
import org.eclipse.ui.application.IWorkbenchConfigurer;
import org.eclipse.ui.application.IWorkbenchWindowConfigurer;
import org.eclipse.ui.application.WorkbenchAdvisor;
import org.eclipse.ui.application.WorkbenchWindowAdvisor;
import org.eclipse.ui.ide.IDE;
import org.eclipse.ui.internal.ide.IDEInternalWorkbenchImages;
import org.osgi.framework.Bundle;
import org.trainbench.ui.TrainbenchPerspective;
import org.trainbench.ui.editor.ConfigEditor;

/**
 * Opens every new workbench in the Trainbench perspective, remembers the layout between sessions and saves the
 * workspace on exit.
 *
 * <p>It also declares the images of the Problems view (severity of each marker, the view's own icons): the Eclipse IDE
 * application's advisor does that, and without it an RCP application's Problems view shows a red "missing image"
 * square for every error and warning of the config editor.
 */
@SuppressWarnings("restriction")
public final class TrainbenchWorkbenchAdvisor extends WorkbenchAdvisor {
    private static final String IDE_BUNDLE = "org.eclipse.ui.ide";

    @Override
    public void initialize(IWorkbenchConfigurer configurer) {
        configurer.setSaveAndRestore(true);
        // Workspace resources (the config editor's linked files and their markers) adapt to what views expect.
        IDE.registerAdapters();
        declareProblemsViewImages(configurer);
    }

    /** Links to outside configs left by the last session's open editors go (a restored editor makes its link again). */
    @Override
    public void postStartup() {
        ConfigEditor.removeUnusedLinks();
    }

    /**
     * Saves the workspace on exit (its projects and the links of configs opened from outside it; the config problem
     * markers are not persistent and are recomputed when an editor opens).
     */
    @Override
    public void postShutdown() {
        try {
            ResourcesPlugin.getWorkspace().save(true, null);
        } catch (CoreException e) {
            Platform.getLog(TrainbenchWorkbenchAdvisor.class).log(e.getStatus());
        }
    }

    private static void declareProblemsViewImages(IWorkbenchConfigurer configurer) {
        Bundle ide = Platform.getBundle(IDE_BUNDLE);
        if (ide == null) {
            return;
        }
        declare(configurer, ide, IDEInternalWorkbenchImages.IMG_OBJS_ERROR_PATH, "icons/full/obj16/error_tsk.png");
        declare(configurer, ide, IDEInternalWorkbenchImages.IMG_OBJS_WARNING_PATH, "icons/full/obj16/warn_tsk.png");
        declare(configurer, ide, IDEInternalWorkbenchImages.IMG_OBJS_INFO_PATH, "icons/full/obj16/info_tsk.png");
        declare(configurer, ide, IDEInternalWorkbenchImages.IMG_ETOOL_PROBLEM_CATEGORY, "icons/full/etool16/problem_category.png");
        declare(configurer, ide, IDEInternalWorkbenchImages.IMG_ETOOL_PROBLEMS_VIEW, "icons/full/eview16/problems_view.png");
        declare(configurer, ide, IDEInternalWorkbenchImages.IMG_ETOOL_PROBLEMS_VIEW_ERROR, "icons/full/eview16/problems_view_error.png");
        declare(configurer, ide, IDEInternalWorkbenchImages.IMG_ETOOL_PROBLEMS_VIEW_WARNING, "icons/full/eview16/problems_view_warning.png");
        declare(configurer, ide, IDEInternalWorkbenchImages.IMG_ETOOL_PROBLEMS_VIEW_INFO, "icons/full/eview16/problems_view_info.png");
    }

    private static void declare(IWorkbenchConfigurer configurer, Bundle bundle, String symbolicName, String path) {
        URL url = FileLocator.find(bundle, new Path(path), null);
        if (url != null) {
            configurer.declareImage(symbolicName, ImageDescriptor.createFromURL(url), true);
        }
    }

    @Override
    public String getInitialWindowPerspectiveId() {
        return TrainbenchPerspective.ID;
    }

    @Override
    public WorkbenchWindowAdvisor createWorkbenchWindowAdvisor(IWorkbenchWindowConfigurer configurer) {
        return new TrainbenchWindowAdvisor(configurer);
    }
}
