package org.trainbench.ui.views;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.trainbench.testing.Screenshots;
import org.trainbench.testing.UiPump;
import org.trainbench.ui.LiveRuns;
import org.trainbench.ui.TrainbenchPerspective;

/**
 * Drives the real workbench from tests that run on the UI thread: waits by spinning the event loop (so that the
 * background jobs' asyncExec updates are processed), clicks dialog buttons, and saves screenshots of the shell.
 */
final class Workbench {
    private Workbench() {
    }

    static Display display() {
        return PlatformUI.getWorkbench().getDisplay();
    }

    static IWorkbenchPage page() {
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        if (!TrainbenchPerspective.ID.equals(page.getPerspective().getId())) {
            page.setPerspective(PlatformUI.getWorkbench().getPerspectiveRegistry().findPerspectiveWithId(TrainbenchPerspective.ID));
        }
        return page;
    }

    static Shell shell() {
        return PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell();
    }

    @SuppressWarnings("unchecked")
    static <V extends IViewPart> V show(String id) throws PartInitException {
        return (V) page().showView(id);
    }

    /** A fresh experiments root that the workbench lists, with nothing else listed. */
    static Path freshRoot(Path temp) throws IOException {
        Path root = Files.createDirectories(temp.resolve("experiments"));
        for (Path added : LiveRuns.get().catalog().addedDirectories()) {
            LiveRuns.get().remove(added);
        }
        for (var follower : LiveRuns.get().catalog().followers()) {
            LiveRuns.get().remove(follower.directory());
        }
        LiveRuns.get().setRoots(List.of(root));
        return root;
    }

    /** Processes UI events for a while. */
    static void spin(long millis) {
        UiPump.spin(Duration.ofMillis(millis));
    }

    /** Processes UI events until the condition holds; fails with {@code what} after {@code timeoutMillis}. */
    static long waitUntil(String what, BooleanSupplier condition, long timeoutMillis) {
        return UiPump.waitUntil(what, Duration.ofMillis(timeoutMillis), condition).toMillis();
    }

    static <T> T waitFor(String what, Supplier<T> value, long timeoutMillis) {
        Object[] found = new Object[1];
        waitUntil(what, () -> (found[0] = value.get()) != null, timeoutMillis);
        @SuppressWarnings("unchecked")
        T result = (T) found[0];
        return result;
    }

    /** The row of a table whose first column reads {@code text}, or -1. */
    static int row(Table table, String text) {
        for (int i = 0; i < table.getItemCount(); i++) {
            if (table.getItem(i).getText(0).equals(text)) {
                return i;
            }
        }
        return -1;
    }

    /** Selects rows as a click (and ctrl-clicks) would, notifying the viewer. */
    static void select(Table table, int... rows) {
        table.setSelection(rows);
        table.notifyListeners(SWT.Selection, new Event());
    }

    /** Double-clicks the selected row (the viewer's open/double-click listeners run). */
    static void doubleClick(Table table) {
        table.notifyListeners(SWT.DefaultSelection, new Event());
    }

    /**
     * Arranges for the next dialog titled {@code title} to be answered by pressing the button labelled {@code button}
     * once it shows; call before the action that opens the (modal) dialog. Returns the text the dialog showed.
     */
    static StringBuilder answerDialog(String title, String button) {
        StringBuilder shown = new StringBuilder();
        Display display = display();
        Runnable[] poll = new Runnable[1];
        long deadline = System.currentTimeMillis() + 10_000;
        poll[0] = () -> {
            for (Shell shell : display.getShells()) {
                if (shell.isVisible() && title.equals(shell.getText())) {
                    collectText(shell, shown);
                    Button target = findButton(shell, button);
                    if (target != null) {
                        target.notifyListeners(SWT.Selection, new Event());
                        return;
                    }
                }
            }
            if (System.currentTimeMillis() < deadline) {
                display.timerExec(50, poll[0]);
            }
        };
        display.timerExec(50, poll[0]);
        return shown;
    }

    private static Button findButton(Composite parent, String label) {
        for (Control child : parent.getChildren()) {
            if (child instanceof Button b && label.equals(b.getText().replace("&", ""))) {
                return b;
            }
            if (child instanceof Composite c) {
                Button found = findButton(c, label);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static void collectText(Composite parent, StringBuilder out) {
        for (Control child : parent.getChildren()) {
            if (child instanceof org.eclipse.swt.widgets.Label l) {
                out.append(l.getText()).append('\n');
            }
            if (child instanceof Composite c) {
                collectText(c, out);
            }
        }
    }

    /**
     * The workbench window filling the Xvfb screen (1600x1000), copied from the X server into docs/screenshots/{@code
     * name}; the window's size is restored afterwards.
     */
    static Path screenshot(String name) throws IOException {
        Rectangle before = Screenshots.fillScreen(shell());
        Path file = Screenshots.screen(display(), name);
        shell().setBounds(before);
        spin(200);
        return file;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
