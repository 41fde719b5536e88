package org.trainbench.ui.views;

import org.eclipse.jface.action.Action;

/** A toolbar or menu action that runs a piece of code: the views' actions, written as lambdas. */
final class RunnableAction extends Action {
    private final Runnable run;

    RunnableAction(String text, Runnable run) {
        super(text);
        this.run = run;
    }

    @Override
    public void run() {
        run.run();
    }
}
