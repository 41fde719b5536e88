package org.trainbench.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;
import org.trainbench.ui.views.ExperimentsView;

class TrainbenchPerspectiveTest {

    @Test
    void resettingThePerspectiveBringsBackAClosedExperimentsView() {
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        page.setPerspective(PlatformUI.getWorkbench().getPerspectiveRegistry()
                .findPerspectiveWithId(TrainbenchPerspective.ID));
        assertEquals(TrainbenchPerspective.ID, page.getPerspective().getId());

        page.hideView(page.findView(ExperimentsView.ID));
        assertNull(page.findView(ExperimentsView.ID));

        page.resetPerspective();
        assertNotNull(page.findView(ExperimentsView.ID), "reset did not restore the Experiments view");
    }
}
