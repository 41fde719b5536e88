package org.trainbench.rcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;
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

        saveScreenshot(shell, "workbench.png");
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

    /** Copies the shell's pixels from the X server into a PNG under docs/screenshots. */
    public static Path saveScreenshot(Shell shell, String name) throws Exception {
        Display display = shell.getDisplay();
        shell.forceActive();
        long until = System.currentTimeMillis() + 1500;
        while (System.currentTimeMillis() < until) {
            if (!display.readAndDispatch()) {
                Thread.sleep(20);
            }
        }
        // Without a window manager (Xvfb) nothing draws the trim that getBounds() counts on the right and at the
        // bottom: end the picture where the client area ends, or it shows the windows behind the shell.
        Rectangle bounds = shell.getBounds();
        Rectangle client = display.map(shell, null, shell.getClientArea());
        int width = Math.min(bounds.width, client.x + client.width - bounds.x);
        int height = Math.min(bounds.height, client.y + client.height - bounds.y);
        Image image = new Image(display, width, height);
        GC gc = new GC(display);
        try {
            gc.copyArea(image, bounds.x, bounds.y);
        } finally {
            gc.dispose();
        }
        ImageData data = image.getImageData();
        image.dispose();
        Path dir = Path.of(System.getProperty("trainbench.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        ImageLoader loader = new ImageLoader();
        loader.data = new ImageData[] {data};
        loader.save(file.toString(), SWT.IMAGE_PNG);
        assertTrue(Files.size(file) > 1000, "screenshot is empty: " + file);
        return file;
    }
}
