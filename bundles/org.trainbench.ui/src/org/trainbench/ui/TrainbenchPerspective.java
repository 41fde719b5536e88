package org.trainbench.ui;

import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;
import org.trainbench.ui.summary.ConfigSummaryView;
import org.trainbench.ui.views.ChartsView;
import org.trainbench.ui.views.CheckpointsView;
import org.trainbench.ui.views.CompareView;
import org.trainbench.ui.views.ExperimentsView;

/**
 * The Trainbench perspective: experiments on the left, the config editor in the middle, and below it the run views
 * (charts, checkpoints, comparison) stacked in one folder; the config summary on the right, beside the editor.
 */
public final class TrainbenchPerspective implements IPerspectiveFactory {
    public static final String ID = "org.trainbench.ui.perspective";
    /** The folder of run views below the editor area; other bundles may add views to it. */
    public static final String RUN_VIEWS_FOLDER = "org.trainbench.ui.runViews";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        String editorArea = layout.getEditorArea();
        IFolderLayout left = layout.createFolder("left", IPageLayout.LEFT, 0.42f, editorArea);
        left.addView(ExperimentsView.ID);
        // Split off before the run views so that the summary runs the full height beside the editor: its memory
        // breakdown and step figures need more height than the editor keeps above the run views.
        layout.addView(ConfigSummaryView.ID, IPageLayout.RIGHT, 0.62f, editorArea);
        IFolderLayout runViews = layout.createFolder(RUN_VIEWS_FOLDER, IPageLayout.BOTTOM, 0.35f, editorArea);
        runViews.addView(ChartsView.ID);
        runViews.addView(CheckpointsView.ID);
        runViews.addView(CompareView.ID);
        layout.addShowViewShortcut(ExperimentsView.ID);
        layout.addShowViewShortcut(ChartsView.ID);
        layout.addShowViewShortcut(CheckpointsView.ID);
        layout.addShowViewShortcut(CompareView.ID);
        layout.addShowViewShortcut(ConfigSummaryView.ID);
    }
}
