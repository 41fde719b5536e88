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
    /** The window's width for Experiments (and the Outline stacked with it). */
    static final float LEFT_RATIO = 0.35f;
    /** The width beside Experiments for the editor; the rest goes to the Config Summary. */
    static final float SUMMARY_RATIO = 0.70f;
    /** The height of the editor column for the editor; the run views (charts, checkpoints, compare) get the rest. */
    static final float EDITOR_HEIGHT_RATIO = 0.52f;

    @Override
    public void createInitialLayout(IPageLayout layout) {
        String editorArea = layout.getEditorArea();
        // At 1600 x 1000 the editor gets about 720 x 430 pixels, 25 lines of the text font (the first layout gave it 16,
        // WorkbenchSmokeTest): Experiments keeps the width of its columns, the run views half the height.
        IFolderLayout left = layout.createFolder("left", IPageLayout.LEFT, LEFT_RATIO, editorArea);
        left.addView(ExperimentsView.ID);
        // Split off before the run views so that the summary runs the full height beside the editor: its memory
        // breakdown and step figures need more height than the editor keeps above the run views.
        layout.addView(ConfigSummaryView.ID, IPageLayout.RIGHT, SUMMARY_RATIO, editorArea);
        IFolderLayout runViews = layout.createFolder(RUN_VIEWS_FOLDER, IPageLayout.BOTTOM, EDITOR_HEIGHT_RATIO, editorArea);
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
