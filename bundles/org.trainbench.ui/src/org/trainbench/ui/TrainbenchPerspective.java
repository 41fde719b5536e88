package org.trainbench.ui;

import org.eclipse.ui.IFolderLayout;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.IPerspectiveFactory;
import org.trainbench.ui.views.ExperimentsView;

/** The Trainbench perspective: experiments on the left, the editor area in the middle. */
public final class TrainbenchPerspective implements IPerspectiveFactory {
    public static final String ID = "org.trainbench.ui.perspective";

    @Override
    public void createInitialLayout(IPageLayout layout) {
        String editorArea = layout.getEditorArea();
        IFolderLayout left = layout.createFolder("left", IPageLayout.LEFT, 0.32f, editorArea);
        left.addView(ExperimentsView.ID);
    }
}
