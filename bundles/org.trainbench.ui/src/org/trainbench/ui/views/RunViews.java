package org.trainbench.ui.views;

import java.nio.file.Path;

import org.eclipse.core.runtime.Platform;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;

/** The run views as one: what a launch does to bring its run forward. UI thread only. */
public final class RunViews {
    private RunViews() {
    }

    /**
     * Selects the run in Experiments and shows its charts, without taking the focus from the editor (as a launched
     * program's console comes forward in Eclipse): a run that is not listed yet is selected once it is.
     */
    public static void reveal(IWorkbenchPage page, Path directory) {
        try {
            ((ExperimentsView) page.showView(ExperimentsView.ID, null, IWorkbenchPage.VIEW_VISIBLE)).select(directory);
            ((ChartsView) page.showView(ChartsView.ID, null, IWorkbenchPage.VIEW_VISIBLE)).showRun(directory);
        } catch (PartInitException e) {
            Platform.getLog(RunViews.class).error("cannot show the run " + directory + ": " + e.getMessage(), e);
        }
    }
}
