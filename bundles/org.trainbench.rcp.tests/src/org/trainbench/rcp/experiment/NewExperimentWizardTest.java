package org.trainbench.rcp.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.launch.Backend;
import org.trainbench.launch.ExperimentDirectoryKey;
import org.trainbench.launch.TrainingRunSettings;
import org.trainbench.testing.Screenshots;

/** The New Experiment wizard in a real dialog: the user picks a template, names it, and presses Finish. */
class NewExperimentWizardTest {

    @TempDir
    Path folder;
    private WizardDialog dialog;
    private ILaunchConfiguration created;

    private NewExperimentWizard openWizard() {
        NewExperimentWizard wizard = new NewExperimentWizard();
        wizard.init(PlatformUI.getWorkbench(), null);
        Shell window = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell();
        dialog = new WizardDialog(window, wizard);
        dialog.setBlockOnOpen(false);
        dialog.setMinimumPageSize(NewExperimentWizard.PAGE_WIDTH, NewExperimentWizard.PAGE_HEIGHT);
        dialog.open();
        return wizard;
    }

    @AfterEach
    void closeAndDelete() throws Exception {
        if (dialog != null && dialog.getShell() != null && !dialog.getShell().isDisposed()) {
            dialog.close();
        }
        if (created != null) {
            created.delete();
        }
    }

    private void finish() {
        Button finish = button(dialog.getShell(), "Finish");
        assertTrue(finish.isEnabled(), "Finish is disabled: " + dialog.getCurrentPage().getErrorMessage());
        finish.notifyListeners(SWT.Selection, new Event());
    }

    private static Button button(Composite parent, String label) {
        for (Control child : parent.getChildren()) {
            if (child instanceof Button button && button.getText().replace("&", "").equals(label)) {
                return button;
            }
            if (child instanceof Composite composite) {
                Button found = button(composite, label);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @Test
    void sftTemplateWritesTheGuidesConfigIntoItsOwnRunFolderAndACudaLaunchConfiguration() throws Exception {
        NewExperimentWizard wizard = openWizard();
        NewExperimentPage page = wizard.page();
        assertEquals(ExperimentTemplates.ALL.stream().map(ExperimentTemplate::title).toList(),
                List.of(page.templates.getTable().getItems()).stream().map(item -> item.getText()).toList());

        page.templates.setSelection(new StructuredSelection(ExperimentTemplates.SFT_WITH_LOSS_MASKING));
        assertEquals("llama-3.1-8b-sft", page.name.getText());
        Path experiments = folder.resolve("trainbench-experiments");
        page.folder.setText(experiments.toString());
        assertTrue(page.preview.getText().contains("experiment_dir: " + experiments.resolve("llama-3.1-8b-sft")),
                page.preview.getText());
        assertTrue(page.isPageComplete(), page.getErrorMessage());
        Screenshots.save(dialog.getShell(), "new-experiment.png");
        page.openEditor.setSelection(false);

        finish();

        Path config = experiments.resolve("llama-3.1-8b-sft.yaml");
        String template = NewExperimentWizard.templateTexts().get(ExperimentTemplates.SFT_WITH_LOSS_MASKING);
        assertTrue(template.contains("use_loss_masking_spans: yes"), "not the SFT example: " + template);
        assertEquals(ExperimentDirectoryKey.write(template, experiments.resolve("llama-3.1-8b-sft").toString()),
                Files.readString(config));
        created = wizard.createdLaunchConfiguration();
        assertNotNull(created);
        TrainingRunSettings settings = TrainingRunSettings.read(created);
        assertEquals(config.toString(), settings.configFile());
        assertEquals(Backend.CUDA, settings.backend());
        assertEquals(8, settings.gpuCount());
    }

    @Test
    void demoTemplateWritesTheDemoDatasetThatItsConfigNamesAndACpuLaunch() throws Exception {
        NewExperimentWizard wizard = openWizard();
        NewExperimentPage page = wizard.page();
        page.templates.setSelection(new StructuredSelection(ExperimentTemplates.TINY_DEMO));
        page.name.setText("demo-1");
        page.folder.setText(folder.toString());
        page.openEditor.setSelection(false);

        finish();

        String config = Files.readString(folder.resolve("demo-1.yaml"));
        assertEquals(folder.resolve("demo-1").toString(), ExperimentDirectoryKey.read(config));
        Matcher paths = Pattern.compile("(?m)^\\s+path: (.+)$").matcher(config);
        int datasets = 0;
        while (paths.find()) {
            Path dataset = Path.of(paths.group(1).strip());
            assertTrue(dataset.startsWith(folder.resolve("demo-1/data")), dataset.toString());
            assertTrue(Files.isRegularFile(dataset), "the config names " + dataset + ", which was not written");
            datasets++;
        }
        assertEquals(2, datasets, config);
        // The run carries the demo vocabulary's tokenizer, so trainbench generate takes text prompts on it.
        String tokenizer = Files.readString(folder.resolve("demo-1/tokenizer.json"));
        assertTrue(tokenizer.contains("\"<assistant>\"") && tokenizer.contains("\"type\":\"BPE\""), tokenizer);
        created = wizard.createdLaunchConfiguration();
        assertEquals(Backend.CPU, TrainingRunSettings.read(created).backend());
    }

    @Test
    void aNameThatIsTakenKeepsFinishDisabledAndSaysWhy() throws Exception {
        Files.writeString(folder.resolve("demo.yaml"), "taken");
        NewExperimentWizard wizard = openWizard();
        NewExperimentPage page = wizard.page();
        page.templates.setSelection(new StructuredSelection(ExperimentTemplates.TINY_DEMO));
        page.folder.setText(folder.toString());

        assertFalse(page.isPageComplete());
        assertEquals(folder.resolve("demo.yaml") + " already exists: choose another name", page.getErrorMessage());
        assertFalse(button(dialog.getShell(), "Finish").isEnabled());
        page.name.setText("demo-2");
        assertTrue(page.isPageComplete(), page.getErrorMessage());
    }
}
