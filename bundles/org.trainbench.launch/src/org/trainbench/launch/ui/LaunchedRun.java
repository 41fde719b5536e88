package org.trainbench.launch.ui;

import java.nio.file.Path;

import org.eclipse.core.runtime.Platform;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.console.ConsolePlugin;
import org.eclipse.ui.console.IConsole;
import org.eclipse.ui.console.IConsoleConstants;
import org.trainbench.ui.views.RunViews;

/**
 * Brings a launched run forward, as Eclipse brings a launched program's console forward: its Console comes to the
 * front (so that a run that fails at once, on a config with errors, shows its message), the run is selected in
 * Experiments and its charts are shown. The editor keeps the focus.
 */
public final class LaunchedRun {
    /** How long to wait for debug.ui to create the process's console (it does so on the launch's change events). */
    private static final int CONSOLE_TRIES = 40;
    private static final int CONSOLE_RETRY_MILLIS = 50;

    private LaunchedRun() {
    }

    /** Any thread: the work is done on the UI thread, when a workbench runs. */
    public static void bringForward(IProcess process, Path experimentDir) {
        if (!PlatformUI.isWorkbenchRunning()) {
            return;
        }
        Display display = PlatformUI.getWorkbench().getDisplay();
        display.asyncExec(() -> {
            IWorkbenchPage page = page();
            if (page == null) {
                return;
            }
            if (experimentDir != null) {
                RunViews.reveal(page, experimentDir);
            }
            showConsole(display, page, process, CONSOLE_TRIES);
        });
    }

    private static void showConsole(Display display, IWorkbenchPage page, IProcess process, int triesLeft) {
        IConsole console = DebugUITools.getConsole(process);
        if (console != null) {
            ConsolePlugin.getDefault().getConsoleManager().showConsoleView(console);
            return;
        }
        try {
            page.showView(IConsoleConstants.ID_CONSOLE_VIEW, null, IWorkbenchPage.VIEW_VISIBLE);
        } catch (PartInitException e) {
            Platform.getLog(LaunchedRun.class).error("cannot open the Console: " + e.getMessage(), e);
            return;
        }
        if (triesLeft > 0) {
            display.timerExec(CONSOLE_RETRY_MILLIS, () -> {
                if (!page.getWorkbenchWindow().getShell().isDisposed()) {
                    showConsole(display, page, process, triesLeft - 1);
                }
            });
        }
    }

    private static IWorkbenchPage page() {
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        if (window == null && PlatformUI.getWorkbench().getWorkbenchWindowCount() > 0) {
            window = PlatformUI.getWorkbench().getWorkbenchWindows()[0];
        }
        return window == null ? null : window.getActivePage();
    }
}
