package org.trainbench.rcp.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.FileLocator;
import org.eclipse.core.runtime.IPath;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.jface.dialogs.ErrorDialog;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.wizard.Wizard;
import org.eclipse.ui.INewWizard;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.ide.IDE;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * File > New Experiment: writes a config from a template (the project's examples) and a "Trainbench Training Run"
 * launch configuration for it, then opens the config. Works without workspace projects: experiments are plain
 * folders on disk.
 */
public final class NewExperimentWizard extends Wizard implements INewWizard {

    /** Where experiments go unless the user picks another folder. */
    public static final Path DEFAULT_FOLDER = Path.of(System.getProperty("user.home"), "trainbench-experiments");

    /** Wide enough for the examples' comment lines in the preview, in the text font. */
    public static final int PAGE_WIDTH = 860;
    public static final int PAGE_HEIGHT = 540;

    private IWorkbench workbench;
    private NewExperimentPage page;
    private ILaunchConfiguration created;

    public NewExperimentWizard() {
        setWindowTitle("New Experiment");
        setNeedsProgressMonitor(true);
    }

    @Override
    public void init(IWorkbench currentWorkbench, IStructuredSelection selection) {
        this.workbench = currentWorkbench;
    }

    @Override
    public void addPages() {
        page = new NewExperimentPage(templateTexts(), DEFAULT_FOLDER);
        addPage(page);
    }

    /** The launch configuration made by the last Finish, or null. */
    public ILaunchConfiguration createdLaunchConfiguration() {
        return created;
    }

    NewExperimentPage page() {
        return page;
    }

    @Override
    public boolean performFinish() {
        NewExperiment experiment = page.experiment();
        boolean openEditor = page.openEditor();
        try {
            getContainer().run(true, false, monitor -> {
                monitor.beginTask("Writing " + experiment.configFile(), IProgressMonitor.UNKNOWN);
                try {
                    created = experiment.create();
                } catch (CoreException e) {
                    throw new InvocationTargetException(e);
                } finally {
                    monitor.done();
                }
            });
        } catch (InvocationTargetException e) {
            IStatus status = e.getCause() instanceof CoreException core ? core.getStatus()
                    : Status.error(String.valueOf(e.getCause().getMessage()), e.getCause());
            ErrorDialog.openError(getShell(), "New Experiment", "The experiment was not created", status);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        // Listed at once as "not started", before any run writes into it.
        org.trainbench.ui.LiveRuns.get().addDirectory(experiment.experimentDirectory());
        if (openEditor && workbench != null && workbench.getActiveWorkbenchWindow() != null) {
            IWorkbenchPage activePage = workbench.getActiveWorkbenchWindow().getActivePage();
            try {
                IDE.openEditorOnFileStore(activePage, EFS.getLocalFileSystem().getStore(experiment.configFile().toUri()));
            } catch (PartInitException e) {
                ErrorDialog.openError(getShell(), "New Experiment", "The experiment was created, but its config could "
                        + "not be opened: " + experiment.configFile(), e.getStatus());
            }
        }
        return true;
    }

    /** Reads the templates shipped in this bundle; a missing one is reported in its own preview. */
    static Map<ExperimentTemplate, String> templateTexts() {
        Bundle bundle = FrameworkUtil.getBundle(NewExperimentWizard.class);
        Map<ExperimentTemplate, String> texts = new LinkedHashMap<>();
        for (ExperimentTemplate template : ExperimentTemplates.ALL) {
            URL url = FileLocator.find(bundle, IPath.fromOSString(template.resource()));
            String text;
            if (url == null) {
                text = "# Template " + template.resource() + " is missing from bundle " + bundle.getSymbolicName()
                        + ": rebuild it (the build copies examples/ into templates/)\n";
            } else {
                try (InputStream in = url.openStream()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    text = "# Template " + template.resource() + " could not be read: " + e.getMessage() + "\n";
                }
            }
            texts.put(template, text);
        }
        return texts;
    }
}
