package org.trainbench.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;

/**
 * Screenshots of real windows under Xvfb, for docs/screenshots: the test poms set the system property
 * {@value #DIRECTORY_PROPERTY} to that folder; without it they go to target/screenshots.
 */
public final class Screenshots {
    public static final String DIRECTORY_PROPERTY = "trainbench.screenshots";
    /** Time for pending repaints and asyncExec updates before the picture is taken. */
    private static final Duration SETTLE = Duration.ofMillis(1000);

    private Screenshots() {
    }

    /**
     * Activates the shell, lets it settle, and copies its pixels from the X server into a PNG named {@code name}.
     * Without a window manager (Xvfb) nothing draws the trim that getBounds() counts on the right and at the bottom,
     * so the picture ends where the client area ends (otherwise it would show the windows behind the shell).
     *
     * @throws IOException when the file cannot be written, or the PNG comes out empty
     */
    public static Path save(Shell shell, String name) throws IOException {
        Display display = shell.getDisplay();
        shell.forceActive();
        UiPump.spin(SETTLE);
        Rectangle bounds = shell.getBounds();
        Rectangle client = display.map(shell, null, shell.getClientArea());
        int width = Math.min(bounds.width, client.x + client.width - bounds.x);
        int height = Math.min(bounds.height, client.y + client.height - bounds.y);
        return write(copy(display, new Rectangle(bounds.x, bounds.y, width, height)), name);
    }

    /**
     * Copies the screen (at most 1600 x 1000, the Xvfb screen of the tests) into a PNG named {@code name}: the window
     * and any popup over it (content assist, quick fix). Arrange the window with {@link #fillScreen(Shell)} first.
     */
    public static Path screen(Display display, String name) throws IOException {
        UiPump.spin(SETTLE);
        return write(copy(display, screenArea(display)), name);
    }

    /**
     * Makes {@code shell} fill the screen (at most 1600 x 1000). Without a window manager GTK reserves room for a frame
     * that is never drawn: the window is grown by what its content falls short of the screen, so that no black band is
     * left at the bottom or right.
     *
     * @return the shell's bounds before, to restore after the picture
     */
    public static Rectangle fillScreen(Shell shell) {
        Display display = shell.getDisplay();
        Rectangle before = shell.getBounds();
        Rectangle screen = screenArea(display);
        shell.setBounds(screen);
        shell.forceActive();
        UiPump.spin(Duration.ofMillis(600));
        Rectangle client = shell.getClientArea();
        Point origin = display.map(shell, null, client.x, client.y);
        int shortX = screen.x + screen.width - (origin.x + client.width);
        int shortY = screen.y + screen.height - (origin.y + client.height);
        if (shortX > 0 || shortY > 0) {
            Point size = shell.getSize();
            shell.setSize(size.x + Math.max(0, shortX), size.y + Math.max(0, shortY));
        }
        UiPump.spin(Duration.ofMillis(600));
        return before;
    }

    private static Rectangle screenArea(Display display) {
        Rectangle screen = display.getPrimaryMonitor().getBounds();
        return new Rectangle(screen.x, screen.y, Math.min(1600, screen.width), Math.min(1000, screen.height));
    }

    private static ImageData copy(Display display, Rectangle area) {
        Image image = new Image(display, area.width, area.height);
        GC gc = new GC(display);
        try {
            gc.copyArea(image, area.x, area.y);
        } finally {
            gc.dispose();
        }
        ImageData data = image.getImageData();
        image.dispose();
        return data;
    }

    private static Path write(ImageData data, String name) throws IOException {
        Path directory = Path.of(System.getProperty(DIRECTORY_PROPERTY, "target/screenshots"));
        Files.createDirectories(directory);
        Path file = directory.resolve(name);
        ImageLoader loader = new ImageLoader();
        loader.data = new ImageData[] {data};
        loader.save(file.toString(), SWT.IMAGE_PNG);
        if (Files.size(file) <= 1000) {
            throw new IOException("the screenshot is empty: " + file);
        }
        return file;
    }
}
