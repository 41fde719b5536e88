package org.trainbench.rcp.experiment;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.trainbench.launch.Backend;

/** The wizard's one page: a template, a name and a folder, and a preview of the config that will be written. */
final class NewExperimentPage extends WizardPage {

    private final Map<ExperimentTemplate, String> templateTexts;
    private final Path defaultFolder;
    private ExperimentTemplate template;
    private boolean nameEdited;

    TableViewer templates;
    Label description;
    Text name;
    Text folder;
    Label destination;
    Text preview;
    Button openEditor;

    NewExperimentPage(Map<ExperimentTemplate, String> templateTexts, Path defaultFolder) {
        super("newExperiment");
        this.templateTexts = templateTexts;
        this.defaultFolder = defaultFolder;
        setTitle("New Experiment");
        setDescription("Start from a template: Trainbench writes the config and a launch configuration for it.");
    }

    @Override
    public void createControl(Composite parent) {
        Composite composite = new Composite(parent, SWT.NONE);
        composite.setLayout(new GridLayout(3, false));
        setControl(composite);

        label(composite, "Template:").setLayoutData(GridDataFactory.fillDefaults().align(SWT.BEGINNING, SWT.BEGINNING).create());
        templates = new TableViewer(composite, SWT.BORDER | SWT.SINGLE | SWT.FULL_SELECTION);
        templates.setContentProvider(ArrayContentProvider.getInstance());
        templates.setLabelProvider(new LabelProvider() {
            @Override
            public String getText(Object element) {
                return ((ExperimentTemplate) element).title();
            }
        });
        templates.setInput(ExperimentTemplates.ALL);
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(templates.getTable());

        new Label(composite, SWT.NONE);
        description = new Label(composite, SWT.WRAP);
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).hint(560, SWT.DEFAULT).applyTo(description);

        label(composite, "Name:");
        name = new Text(composite, SWT.BORDER | SWT.SINGLE);
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(name);

        label(composite, "Folder:");
        folder = new Text(composite, SWT.BORDER | SWT.SINGLE);
        folder.setText(defaultFolder.toString());
        GridDataFactory.fillDefaults().grab(true, false).applyTo(folder);
        Button browse = new Button(composite, SWT.PUSH);
        browse.setText("Browse...");
        browse.addListener(SWT.Selection, event -> {
            DirectoryDialog dialog = new DirectoryDialog(getShell());
            dialog.setText("Folder of the experiment");
            dialog.setFilterPath(folder.getText());
            String chosen = dialog.open();
            if (chosen != null) {
                folder.setText(chosen);
            }
        });

        new Label(composite, SWT.NONE);
        destination = new Label(composite, SWT.WRAP);
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).hint(560, SWT.DEFAULT).applyTo(destination);

        label(composite, "Preview:").setLayoutData(GridDataFactory.fillDefaults().align(SWT.BEGINNING, SWT.BEGINNING).create());
        preview = new Text(composite, SWT.BORDER | SWT.MULTI | SWT.READ_ONLY | SWT.V_SCROLL | SWT.H_SCROLL);
        preview.setFont(JFaceResources.getTextFont());
        GridDataFactory.fillDefaults().span(2, 1).grab(true, true).hint(760, 220).applyTo(preview);

        new Label(composite, SWT.NONE);
        openEditor = new Button(composite, SWT.CHECK);
        openEditor.setText("Open the config in an editor");
        openEditor.setSelection(true);
        GridDataFactory.fillDefaults().span(2, 1).applyTo(openEditor);

        templates.addSelectionChangedListener(event -> {
            Object selected = templates.getStructuredSelection().getFirstElement();
            if (selected instanceof ExperimentTemplate chosen) {
                selectTemplate(chosen);
            }
        });
        name.addModifyListener(event -> update());
        name.addListener(SWT.KeyDown, event -> nameEdited = true);
        folder.addModifyListener(event -> update());
        templates.setSelection(new StructuredSelection(ExperimentTemplates.ALL.get(0)));
    }

    private static Label label(Composite parent, String text) {
        Label label = new Label(parent, SWT.NONE);
        label.setText(text);
        return label;
    }

    private void selectTemplate(ExperimentTemplate chosen) {
        template = chosen;
        description.setText(chosen.description());
        if (!nameEdited) {
            name.setText(chosen.defaultName());
        }
        update();
        ((Composite) getControl()).layout(true, true);
    }

    /** The experiment as entered, or null when the folder is not a path at all. */
    NewExperiment experiment() {
        if (template == null) {
            return null;
        }
        try {
            return new NewExperiment(template, templateTexts.get(template), name.getText().strip(),
                    Path.of(folder.getText().strip()));
        } catch (InvalidPathException e) {
            return null;
        }
    }

    boolean openEditor() {
        return openEditor.getSelection();
    }

    private void update() {
        NewExperiment experiment = experiment();
        if (experiment == null) {
            setErrorMessage(template == null ? "Choose a template" : "Folder '" + folder.getText() + "' is not a path");
            setPageComplete(false);
            return;
        }
        destination.setText("Writes " + experiment.configFile() + "; the run goes into " + experiment.experimentDirectory()
                + "/ (" + experiment.template().backend().id()
                + (experiment.template().backend() == Backend.CUDA ? ", " + experiment.template().gpus() + " GPUs" : "")
                + ")");
        preview.setText(experiment.configText());
        // Two stat calls: cheap enough for the UI thread, and the user sees at once that a name is taken.
        String problem = experiment.problem();
        setErrorMessage(problem);
        setPageComplete(problem == null);
    }
}
