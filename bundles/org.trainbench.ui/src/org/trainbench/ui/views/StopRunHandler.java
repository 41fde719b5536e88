package org.trainbench.ui.views;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.core.commands.HandlerEvent;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchPart;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.handlers.HandlerUtil;
import org.trainbench.ui.LiveRuns;

/**
 * Stop (checkpoint and stop) of the main tool bar and the Run menu: the same stop as the Experiments context menu and
 * the Charts header ({@link LiveRuns#stop(Path)}), for the run shown in Charts when Charts is the active part, else
 * for the runs selected in Experiments, else for the run shown in Charts. Enabled while one of them can be stopped.
 */
public final class StopRunHandler extends AbstractHandler {
    public static final String COMMAND_ID = "org.trainbench.ui.commands.stopRun";

    /** The workbench's instance (one per command), told by the run views when what they could stop changes. */
    private static volatile StopRunHandler instance;

    public StopRunHandler() {
        instance = this;
    }

    @Override
    public void dispose() {
        if (instance == this) {
            instance = null;
        }
        super.dispose();
    }

    @Override
    public void setEnabled(Object evaluationContext) {
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        setBaseEnabled(window != null && !stops(window).isEmpty());
    }

    @Override
    public Object execute(ExecutionEvent event) {
        IWorkbenchWindow window = HandlerUtil.getActiveWorkbenchWindow(event);
        if (window != null) {
            stops(window).forEach(Runnable::run);
        }
        fireHandlerChanged(new HandlerEvent(this, true, false));
        return null;
    }

    /**
     * Called by the run views when a run they show starts, ends or is selected: the tool bar's Stop is enabled or
     * disabled with theirs (menus are evaluated as they open; the tool bar only when asked).
     */
    static void stoppableChanged() {
        StopRunHandler handler = instance;
        if (handler != null) {
            handler.fireHandlerChanged(new HandlerEvent(handler, true, false));
        }
    }

    /** The runs the command acts on in this window ({@link StopRunHandler}). */
    static List<Path> targets(IWorkbenchWindow window) {
        IWorkbenchPage page = window.getActivePage();
        if (page == null) {
            return List.of();
        }
        IWorkbenchPart active = page.getActivePart();
        IViewPart charts = page.findView(ChartsView.ID);
        List<Path> shownInCharts = charts instanceof ChartsView c && c.run() != null ? List.of(c.run()) : List.of();
        if (active instanceof ChartsView) {
            return shownInCharts;
        }
        if (page.findView(ExperimentsView.ID) instanceof ExperimentsView experiments) {
            List<Path> selected = experiments.selectedDirectories();
            if (!selected.isEmpty()) {
                return selected;
            }
        }
        return shownInCharts;
    }

    private static List<Runnable> stops(IWorkbenchWindow window) {
        return targets(window).stream().map(dir -> LiveRuns.get().stop(dir)).flatMap(Optional::stream).toList();
    }
}
