package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.trainbench.testing.Screenshots;
import org.trainbench.testing.UiPump;

/** Helpers for tests that run on the UI thread of a real workbench (tycho-surefire's UI harness, under Xvfb). */
public final class Workbench {

    /** Counts {@link #stopAnswering()} calls; answers armed before the last one stop. UI thread only. */
    private static int answerGeneration;

    private Workbench() {
    }

    /** Runs the event loop until {@code condition} holds; fails with {@code what} after {@code timeout}. */
    public static void spinUntil(String what, Duration timeout, BooleanSupplier condition) {
        UiPump.waitUntil(what, timeout, condition);
    }

    /** As {@link #spinUntil(String, Duration, BooleanSupplier)}, with a description made when it fails. */
    public static void spinUntil(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
        UiPump.waitUntil(what, timeout, condition);
    }

    /** Runs the event loop for {@code duration}, so that layouts and paints happen. */
    public static void spin(Duration duration) {
        UiPump.spin(duration);
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
        return Screenshots.save(shell, name);
    }
}
