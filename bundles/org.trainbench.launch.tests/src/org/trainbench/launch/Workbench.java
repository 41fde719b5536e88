package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;

/** Helpers for tests that run on the UI thread of a real workbench (tycho-surefire's UI harness, under Xvfb). */
public final class Workbench {

    /** Counts {@link #stopAnswering()} calls; answers armed before the last one stop. UI thread only. */
    private static int answerGeneration;

    private Workbench() {
    }

    /** Runs the event loop until {@code condition} holds; fails with {@code what} after {@code timeout}. */
    public static void spinUntil(String what, Duration timeout, BooleanSupplier condition) {
        spinUntil(() -> what, timeout, condition);
    }

    /** As {@link #spinUntil(String, Duration, BooleanSupplier)}, with a description made when it fails. */
    public static void spinUntil(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
        Display display = Display.getCurrent();
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                fail("Timed out after " + timeout.toSeconds() + " s waiting for " + what.get());
            }
            if (display == null || !display.readAndDispatch()) {
                sleep(10);
            }
        }
    }

    /** Runs the event loop for {@code duration}, so that layouts and paints happen. */
    public static void spin(Duration duration) {
        Display display = Display.getCurrent();
        long until = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < until) {
            if (!display.readAndDispatch()) {
                sleep(10);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Arranges for {@code answer} to be run on the next visible shell titled {@code title} (a modal dialog, which
     * runs its own event loop), within {@code timeout}; call before what opens it. The returned flag turns true once
     * the dialog was answered.
     */
    public static AtomicBoolean whenShellOpens(String title, Duration timeout, Consumer<Shell> answer) {
        Display display = Display.getCurrent();
        AtomicBoolean answered = new AtomicBoolean();
        long until = System.nanoTime() + timeout.toNanos();
        int generation = answerGeneration;
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            if (generation != answerGeneration) {
                return;
            }
            for (Shell shell : display.getShells()) {
                if (!shell.isDisposed() && shell.isVisible() && title.equals(shell.getText())) {
                    answered.set(true);
                    answer.accept(shell);
                    return;
                }
            }
            if (System.nanoTime() < until) {
                display.timerExec(50, poll[0]);
            }
        };
        display.timerExec(50, poll[0]);
        return answered;
    }

    /**
     * Stops every {@link #whenShellOpens} still waiting, so that one a test armed against a dialog that did not come
     * (a failure) cannot answer the next test's dialog. Call after each test that arms them.
     */
    public static void stopAnswering() {
        answerGeneration++;
    }

    /** Presses the button labelled {@code label} (mnemonics ignored) in {@code shell}, as a click does. */
    public static void press(Shell shell, String label) {
        List<Button> buttons = WidgetTree.visible(shell, Button.class, b -> b.getText().replace("&", "").equals(label));
        assertTrue(buttons.size() == 1, "expected one button '" + label + "' in '" + shell.getText() + "', found " + buttons.size());
        assertTrue(buttons.getFirst().isEnabled(), label + " is disabled in '" + shell.getText() + "'");
        buttons.getFirst().notifyListeners(SWT.Selection, new Event());
    }

    /** The texts of the labels in {@code shell}, one per line (what a dialog says). */
    public static String labels(Shell shell) {
        StringBuilder text = new StringBuilder();
        for (Label label : WidgetTree.visible(shell, Label.class, l -> !l.getText().isEmpty())) {
            text.append(label.getText()).append('\n');
        }
        return text.toString();
    }

    /** Copies the shell's pixels from the X server into a PNG under docs/screenshots (or target/screenshots). */
    public static Path saveScreenshot(Shell shell, String name) throws Exception {
        Display display = shell.getDisplay();
        shell.forceActive();
        spin(Duration.ofMillis(800));
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
