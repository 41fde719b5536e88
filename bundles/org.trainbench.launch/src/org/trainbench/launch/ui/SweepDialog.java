package org.trainbench.launch.ui;

import java.nio.file.Path;
import java.util.List;

import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.trainbench.launch.Sweep;

/**
 * Asks for a sweep (or a duplicate) of a run: its name, the keys with their values, and how to start the runs. Thin:
 * parsing, naming and checking are {@link Sweep}'s; the dialog shows what they say as the user types.
 */
public final class SweepDialog extends Dialog {
    public static final String SWEEP_TITLE = "Sweep";
    public static final String DUPLICATE_TITLE = "Duplicate with Changes";

    private final boolean duplicate;
    private final Path source;
    private final String configText;
    private final String initialName;
    private final String initialKeys;
    Text name;
    Text keys;
    final Button[] starts = new Button[SweepRuns.Start.values().length];
    Label preview;
    private Sweep sweep;
    private SweepRuns.Start start = SweepRuns.Start.ONE_AFTER_ANOTHER;

    /**
     * @param source     the run the sweep starts from
     * @param configText the text of the config the runs start from, against which keys are checked
     */
    public SweepDialog(Shell parent, boolean duplicate, Path source, String configText, String initialName, String initialKeys) {
        super(parent);
        this.duplicate = duplicate;
        this.source = source;
        this.configText = configText;
        this.initialName = initialName;
        this.initialKeys = initialKeys;
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText(duplicate ? DUPLICATE_TITLE : SWEEP_TITLE);
    }

    @Override
    protected boolean isResizable() {
        return true;
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        area.setLayout(new GridLayout(2, false));
        Label intro = new Label(area, SWT.WRAP);
        intro.setText(duplicate
                ? "A new run of " + source.getFileName() + "'s config and launch settings with these changes, in its own folder beside it."
                : "One run of " + source.getFileName() + "'s config and launch settings per combination of the values (a grid),"
                        + " each in its own folder below the sweep's folder beside it; shown as a group in Experiments and Compare.");
        GridData introData = new GridData(SWT.FILL, SWT.TOP, true, false, 2, 1);
        introData.widthHint = 560;
        intro.setLayoutData(introData);

        new Label(area, SWT.NONE).setText(duplicate ? "Run name:" : "Sweep name:");
        name = new Text(area, SWT.BORDER);
        name.setText(initialName);
        name.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));

        Label keysLabel = new Label(area, SWT.NONE);
        keysLabel.setText(duplicate ? "Changes, one per line (key = value):" : "Keys, one per line (key = value, value, ...):");
        keysLabel.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false, 2, 1));
        keys = new Text(area, SWT.BORDER | SWT.MULTI | SWT.V_SCROLL);
        keys.setText(initialKeys);
        GridData keysData = new GridData(SWT.FILL, SWT.FILL, true, true, 2, 1);
        keysData.heightHint = 90;
        keys.setLayoutData(keysData);

        Composite startGroup = new Composite(area, SWT.NONE);
        startGroup.setLayout(new GridLayout(3, false));
        startGroup.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false, 2, 1));
        for (SweepRuns.Start s : SweepRuns.Start.values()) {
            Button radio = new Button(startGroup, SWT.RADIO);
            radio.setText(duplicate && s == SweepRuns.Start.ONE_AFTER_ANOTHER ? "Launch now" : s.label);
            radio.setSelection(s == start);
            radio.setVisible(!(duplicate && s == SweepRuns.Start.TOGETHER));
            radio.addListener(SWT.Selection, e -> {
                if (radio.getSelection()) {
                    start = s;
                }
            });
            starts[s.ordinal()] = radio;
        }

        preview = new Label(area, SWT.WRAP);
        GridData previewData = new GridData(SWT.FILL, SWT.TOP, true, false, 2, 1);
        previewData.widthHint = 560;
        previewData.heightHint = 60;
        preview.setLayoutData(previewData);
        name.addListener(SWT.Modify, e -> validate());
        keys.addListener(SWT.Modify, e -> validate());
        return area;
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        createButton(parent, IDialogConstants.OK_ID, duplicate ? "Create" : "Create Runs", true);
        createButton(parent, IDialogConstants.CANCEL_ID, IDialogConstants.CANCEL_LABEL, false);
        validate();
    }

    /** Shows the runs the sweep would make, or what is wrong, and allows OK only for a sweep that can be made. */
    private void validate() {
        String problem;
        try {
            sweep = Sweep.parse(name.getText(), keys.getText());
            if (duplicate && !sweep.isDuplicate()) {
                problem = "A duplicate has one value per key; for several values use Sweep...";
            } else {
                problem = sweep.problem(configText, source.getParent());
            }
        } catch (Sweep.InvalidSweepException e) {
            sweep = null;
            problem = e.getMessage();
        }
        if (problem != null) {
            preview.setText(problem);
            preview.setForeground(preview.getDisplay().getSystemColor(SWT.COLOR_RED));
        } else {
            List<Sweep.Point> points = sweep.points();
            preview.setText(duplicate ? "Creates " + sweep.folder(source.getParent())
                    : points.size() + (points.size() == 1 ? " run" : " runs") + " in " + sweep.folder(source.getParent()) + ": "
                            + String.join(", ", points.stream().map(Sweep.Point::name).toList()));
            preview.setForeground(null);
        }
        Button ok = getButton(IDialogConstants.OK_ID);
        if (ok != null) {
            ok.setEnabled(problem == null);
        }
    }

    /** The sweep entered, after OK. */
    public Sweep sweep() {
        return sweep;
    }

    public SweepRuns.Start start() {
        return start;
    }
}
