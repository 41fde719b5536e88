package org.trainbench.rcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;


import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Control;
import org.eclipse.ui.IEditorPart;
import org.eclipse.ui.ide.IDE;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.testing.UiPump;
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
    void theDefaultLayoutGivesTheEditorRoomAt1600By1000(@TempDir Path temp) throws Exception {
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        IWorkbenchPage page = window.getActivePage();
        page.resetPerspective();
        Path config = Files.writeString(temp.resolve("demo.yaml"), Files.readString(
                Path.of(System.getProperty("trainbench.repository", "."), "examples/demo/demo.yaml")));
        IEditorPart editor = IDE.openEditorOnFileStore(page, EFS.getLocalFileSystem().getStore(config.toUri()));
        Shell shell = window.getShell();
        Rectangle before = Screenshots.fillScreen(shell);
        try {
            UiPump.spin(Duration.ofMillis(300));
            StyledText text = (StyledText) editor.getAdapter(Control.class);
            int lines = text.getClientArea().height / text.getLineHeight();
            int columns = text.getClientArea().width / averageCharWidth(text);
            assertTrue(lines >= 24, "the editor shows " + lines + " lines at 1600 x 1000 (the first layout: 16)");
            assertTrue(columns >= 80, "the editor is " + columns + " characters wide");
            Screenshots.screen(shell.getDisplay(), "workbench-editor.png");
        } finally {
            page.closeAllEditors(false);
            shell.setBounds(before);
        }
    }

    private static int averageCharWidth(StyledText text) {
        GC gc = new GC(text);
        try {
            gc.setFont(text.getFont());
            return (int) Math.ceil(gc.getFontMetrics().getAverageCharacterWidth());
        } finally {
            gc.dispose();
        }
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
