package org.trainbench.rcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;
import org.trainbench.testing.Screenshots;
import org.trainbench.ui.TrainbenchPerspective;
import org.trainbench.ui.views.ExperimentsView;

/** Starts the real Trainbench workbench (under Xvfb in CI) and checks what a user sees first. */
public class WorkbenchSmokeTest {

    @Test
    void workbenchOpensInTheTrainbenchPerspectiveWithTheExperimentsView() throws Exception {
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        assertNotNull(window, "no workbench window");
        IWorkbenchPage page = window.getActivePage();
        assertEquals(TrainbenchPerspective.ID, page.getPerspective().getId());
        Shell shell = window.getShell();
        assertTrue(shell.isVisible());
        assertEquals("Trainbench", shell.getText());

        IViewPart view = page.findView(ExperimentsView.ID);
        assertNotNull(view, "Experiments view is not open");
        Table table = ((ExperimentsView) view).viewer().getTable();
        assertEquals(ExperimentsView.COLUMNS.length, table.getColumnCount());
        assertEquals("Run", table.getColumn(0).getText());

        // As a user's maximised window on the 1600x1000 screen, so that the side views are not squeezed.
        Rectangle before = Screenshots.fillScreen(shell);
        Screenshots.screen(shell.getDisplay(), "workbench.png");
        shell.setBounds(before);
    }

    @Test
    @SuppressWarnings("restriction")
    void problemsViewSeverityIconsAreRealImagesNotMissingImageSquares() {
        for (String key : new String[] {
                org.eclipse.ui.internal.ide.IDEInternalWorkbenchImages.IMG_OBJS_ERROR_PATH,
                org.eclipse.ui.internal.ide.IDEInternalWorkbenchImages.IMG_OBJS_WARNING_PATH,
                org.eclipse.ui.internal.ide.IDEInternalWorkbenchImages.IMG_OBJS_INFO_PATH}) {
            org.eclipse.jface.resource.ImageDescriptor descriptor =
                    org.eclipse.ui.internal.ide.IDEInternalWorkbenchImages.getImageDescriptor(key);
            assertNotNull(descriptor, key + " is not declared: the Problems view would draw a red square");
            org.eclipse.swt.graphics.ImageData data = descriptor.getImageData(100);
            assertNotNull(data, key + " has no pixels");
            assertEquals(16, data.width, key);
        }
    }
}
