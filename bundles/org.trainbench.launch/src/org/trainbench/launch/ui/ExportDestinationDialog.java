package org.trainbench.launch.ui;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.trainbench.launch.ExportDtype;

/**
 * Asks where to write a checkpoint's Hugging Face export and in which weight type. Touches no file: whether the folder
 * exists is found out by the export job. A relative path is taken relative to the run's directory.
 */
public final class ExportDestinationDialog extends Dialog {

    public static final String TITLE = "Export to Hugging Face";

    private final Path experimentDir;
    private final Path checkpoint;
    private final Path proposed;
    private Text directory;
    private Combo dtypes;
    private Label problem;
    private Path chosen;
    private ExportDtype dtype = ExportDtype.FLOAT32;

    public ExportDestinationDialog(Shell parent, Path experimentDir, Path checkpoint, Path proposed) {
        super(parent);
        this.experimentDir = experimentDir;
        this.checkpoint = checkpoint;
        this.proposed = proposed;
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText(TITLE);
    }

    @Override
    protected boolean isResizable() {
        return true;
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        Composite body = new Composite(area, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(3).applyTo(body);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(body);

        Label intro = new Label(body, SWT.WRAP);
        intro.setText("Writes " + checkpoint.getFileName() + " of " + experimentDir.getFileName()
                + " as a Hugging Face Llama directory (config.json, generation_config.json, model.safetensors),"
                + " loadable with transformers' AutoModelForCausalLM. The Checkpoints view lists exports in "
                + experimentDir.getFileName() + "/export/.");
        GridDataFactory.fillDefaults().span(3, 1).hint(convertWidthInCharsToPixels(90), SWT.DEFAULT).applyTo(intro);

        new Label(body, SWT.NONE).setText("Directory:");
        directory = new Text(body, SWT.BORDER | SWT.SINGLE);
        directory.setText(proposed.toString());
        GridDataFactory.fillDefaults().grab(true, false).hint(convertWidthInCharsToPixels(70), SWT.DEFAULT).applyTo(directory);
        Button browse = new Button(body, SWT.PUSH);
        browse.setText("Browse...");
        browse.addListener(SWT.Selection, e -> browse());

        new Label(body, SWT.NONE).setText("Weights:");
        dtypes = new Combo(body, SWT.READ_ONLY);
        for (ExportDtype type : ExportDtype.values()) {
            dtypes.add(type.label());
        }
        dtypes.select(0);
        GridDataFactory.fillDefaults().span(2, 1).applyTo(dtypes);

        problem = new Label(body, SWT.WRAP);
        GridDataFactory.fillDefaults().span(3, 1).grab(true, false).applyTo(problem);
        directory.addModifyListener(e -> validate());
        return area;
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        createButton(parent, IDialogConstants.OK_ID, "Export", true);
        createButton(parent, IDialogConstants.CANCEL_ID, IDialogConstants.CANCEL_LABEL, false);
        validate();
    }

    private void browse() {
        DirectoryDialog chooser = new DirectoryDialog(getShell(), SWT.NONE);
        chooser.setText(TITLE);
        chooser.setMessage("The folder to write the Hugging Face model into (created if missing)");
        Path current = resolve(directory.getText());
        if (current != null && current.getParent() != null) {
            chooser.setFilterPath(current.getParent().toString());
        }
        String picked = chooser.open();
        if (picked != null) {
            directory.setText(picked);
        }
    }

    private void validate() {
        String message = null;
        String text = directory.getText().strip();
        if (text.isEmpty()) {
            message = "Enter the folder to write the export into.";
        } else if (resolve(text) == null) {
            message = "'" + text + "' is not a valid path on this system.";
        } else if (checkpoint.startsWith(resolve(text)) || experimentDir.toAbsolutePath().normalize().startsWith(resolve(text))) {
            message = "Choose a folder that does not contain the run: replacing it would delete the run's checkpoints.";
        } else if (resolve(text).startsWith(checkpoint)) {
            message = "Choose a folder outside the checkpoint " + checkpoint
                    + ": deleting the checkpoint would delete the export with it.";
        }
        problem.setText(message == null ? "" : message);
        Button ok = getButton(IDialogConstants.OK_ID);
        if (ok != null) {
            ok.setEnabled(message == null);
        }
    }

    private Path resolve(String text) {
        try {
            return experimentDir.resolve(text.strip()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    @Override
    protected void okPressed() {
        chosen = resolve(directory.getText());
        dtype = ExportDtype.values()[Math.max(0, dtypes.getSelectionIndex())];
        super.okPressed();
    }

    /** The folder to write, absolute; null until Export was pressed. */
    public Path target() {
        return chosen;
    }

    public ExportDtype dtype() {
        return dtype;
    }
}
