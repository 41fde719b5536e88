package org.trainbench.rcp;

import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.debug.ui.IDebugUIConstants;
import org.eclipse.debug.ui.actions.LaunchShortcutsAction;
import org.eclipse.debug.ui.actions.OpenLaunchDialogAction;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.GroupMarker;
import org.eclipse.jface.action.IAction;
import org.eclipse.jface.action.ICoolBarManager;
import org.eclipse.jface.action.IMenuManager;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.jface.action.ToolBarContributionItem;
import org.eclipse.jface.action.ToolBarManager;
import org.eclipse.jface.resource.ResourceLocator;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.swt.SWT;
import org.eclipse.ui.IWorkbenchActionConstants;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.actions.ActionFactory;
import org.eclipse.ui.actions.ActionFactory.IWorkbenchAction;
import org.eclipse.ui.actions.ContributionItemFactory;
import org.eclipse.ui.application.ActionBarAdvisor;
import org.eclipse.ui.application.IActionBarConfigurer;
import org.trainbench.rcp.experiment.NewExperimentWizard;

/**
 * The menu bar and tool bar of a Trainbench window: File (New Experiment, Open File, Save, Exit), Edit, Run (Run As,
 * Run Configurations), Window (Show View, Preferences) and Help (About). Menu ids are the workbench's standard ones,
 * so contributions of other bundles (Open File... of org.eclipse.ui.ide, the Run menu of org.eclipse.debug.ui) land
 * in these menus instead of next to them.
 */
final class TrainbenchActionBarAdvisor extends ActionBarAdvisor {

    /** The id debug.ui gives its Run menu; using it merges the two. */
    static final String RUN_MENU_ID = "org.eclipse.ui.run";

    private IWorkbenchAction save;
    private IWorkbenchAction saveAll;
    private IWorkbenchAction quit;
    private IWorkbenchAction undo;
    private IWorkbenchAction redo;
    private IWorkbenchAction cut;
    private IWorkbenchAction copy;
    private IWorkbenchAction paste;
    private IWorkbenchAction selectAll;
    private IWorkbenchAction find;
    private IWorkbenchAction resetPerspective;
    private IWorkbenchAction preferences;
    private IWorkbenchAction about;
    private IAction newExperiment;
    private IAction runAs;
    private IAction runConfigurations;
    private IWorkbenchWindow window;

    TrainbenchActionBarAdvisor(IActionBarConfigurer configurer) {
        super(configurer);
    }

    @Override
    protected void makeActions(IWorkbenchWindow workbenchWindow) {
        this.window = workbenchWindow;
        save = registered(ActionFactory.SAVE.create(window));
        saveAll = registered(ActionFactory.SAVE_ALL.create(window));
        quit = registered(ActionFactory.QUIT.create(window));
        undo = registered(ActionFactory.UNDO.create(window));
        redo = registered(ActionFactory.REDO.create(window));
        cut = registered(ActionFactory.CUT.create(window));
        copy = registered(ActionFactory.COPY.create(window));
        paste = registered(ActionFactory.PASTE.create(window));
        selectAll = registered(ActionFactory.SELECT_ALL.create(window));
        find = registered(ActionFactory.FIND.create(window));
        resetPerspective = registered(ActionFactory.RESET_PERSPECTIVE.create(window));
        preferences = registered(ActionFactory.PREFERENCES.create(window));
        about = registered(ActionFactory.ABOUT.create(window));

        newExperiment = new Action("New &Experiment...") {
            @Override
            public void run() {
                openNewExperimentWizard();
            }
        };
        newExperiment.setId("org.trainbench.rcp.newExperiment");
        newExperiment.setToolTipText("New Experiment: a config from a template and a launch configuration for it");
        newExperiment.setImageDescriptor(
                ResourceLocator.imageDescriptorFromBundle(getClass(), "icons/new-experiment.png").orElse(null));

        runAs = new LaunchShortcutsAction(IDebugUIConstants.ID_RUN_LAUNCH_GROUP);
        runAs.setImageDescriptor(DebugUITools.getImageDescriptor(IDebugUIConstants.IMG_ACT_RUN));
        runConfigurations = new OpenLaunchDialogAction(IDebugUIConstants.ID_RUN_LAUNCH_GROUP);
    }

    private IWorkbenchAction registered(IWorkbenchAction action) {
        register(action);
        return action;
    }

    private void openNewExperimentWizard() {
        NewExperimentWizard wizard = new NewExperimentWizard();
        wizard.init(window.getWorkbench(), null);
        WizardDialog dialog = new WizardDialog(window.getShell(), wizard);
        dialog.setMinimumPageSize(NewExperimentWizard.PAGE_WIDTH, NewExperimentWizard.PAGE_HEIGHT);
        dialog.open();
    }

    @Override
    protected void fillMenuBar(IMenuManager menuBar) {
        MenuManager file = new MenuManager("&File", IWorkbenchActionConstants.M_FILE);
        file.add(newExperiment);
        file.add(new GroupMarker(IWorkbenchActionConstants.NEW_EXT));
        file.add(new Separator());
        file.add(save);
        file.add(saveAll);
        file.add(new Separator(IWorkbenchActionConstants.MB_ADDITIONS));
        file.add(new Separator());
        file.add(quit);
        menuBar.add(file);

        MenuManager edit = new MenuManager("&Edit", IWorkbenchActionConstants.M_EDIT);
        edit.add(undo);
        edit.add(redo);
        edit.add(new Separator());
        edit.add(cut);
        edit.add(copy);
        edit.add(paste);
        edit.add(new Separator());
        edit.add(selectAll);
        edit.add(find);
        edit.add(new Separator(IWorkbenchActionConstants.MB_ADDITIONS));
        menuBar.add(edit);

        MenuManager run = new MenuManager("&Run", RUN_MENU_ID);
        run.add(runAs);
        run.add(runConfigurations);
        run.add(new Separator(IWorkbenchActionConstants.MB_ADDITIONS));
        menuBar.add(run);

        menuBar.add(new GroupMarker(IWorkbenchActionConstants.MB_ADDITIONS));

        MenuManager windowMenu = new MenuManager("&Window", IWorkbenchActionConstants.M_WINDOW);
        MenuManager showView = new MenuManager("Show &View", "showView");
        showView.add(ContributionItemFactory.VIEWS_SHORTLIST.create(window));
        windowMenu.add(showView);
        windowMenu.add(new Separator());
        windowMenu.add(resetPerspective);
        windowMenu.add(new Separator(IWorkbenchActionConstants.MB_ADDITIONS));
        windowMenu.add(new Separator());
        windowMenu.add(preferences);
        menuBar.add(windowMenu);

        MenuManager help = new MenuManager("&Help", IWorkbenchActionConstants.M_HELP);
        help.add(new Separator(IWorkbenchActionConstants.MB_ADDITIONS));
        help.add(about);
        menuBar.add(help);
    }

    @Override
    protected void fillCoolBar(ICoolBarManager coolBar) {
        IToolBarManager toolBar = new ToolBarManager(SWT.FLAT | SWT.RIGHT);
        toolBar.add(newExperiment);
        toolBar.add(save);
        toolBar.add(new Separator());
        toolBar.add(runAs);
        coolBar.add(new ToolBarContributionItem(toolBar, "org.trainbench.rcp.main"));
        // Where other bundles' tool bars land (org.trainbench.ui's Stop): toolbar:org.eclipse.ui.main.toolbar?after=additions
        coolBar.add(new GroupMarker(IWorkbenchActionConstants.MB_ADDITIONS));
    }
}
