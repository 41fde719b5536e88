package org.trainbench.ui.views;

import org.eclipse.jface.layout.TableColumnLayout;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.ColumnWeightData;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.ui.part.ViewPart;

/**
 * Lists experiment directories with their status. This first version shows the columns a run will fill;
 * runs appear once the engine writes metrics.jsonl into an experiment directory.
 */
public final class ExperimentsView extends ViewPart {
    public static final String ID = "org.trainbench.ui.views.experiments";

    /** Column titles, left to right. */
    public static final String[] COLUMNS = {"Run", "Status", "Step", "Loss", "Tokens/s", "ETA"};

    private TableViewer viewer;

    @Override
    public void createPartControl(Composite parent) {
        parent.setLayout(new GridLayout(1, false));
        Label hint = new Label(parent, SWT.WRAP);
        hint.setText("Runs appear here as soon as a training run writes its experiment directory.");
        hint.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));

        Composite tableHolder = new Composite(parent, SWT.NONE);
        tableHolder.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        TableColumnLayout columnLayout = new TableColumnLayout();
        tableHolder.setLayout(columnLayout);
        viewer = new TableViewer(tableHolder, SWT.BORDER | SWT.FULL_SELECTION | SWT.MULTI);
        viewer.getTable().setHeaderVisible(true);
        viewer.getTable().setLinesVisible(true);
        for (int i = 0; i < COLUMNS.length; i++) {
            TableViewerColumn column = new TableViewerColumn(viewer, SWT.LEFT);
            column.getColumn().setText(COLUMNS[i]);
            columnLayout.setColumnData(column.getColumn(), new ColumnWeightData(i == 0 ? 3 : 1, 60));
        }
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        viewer.setInput(new Object[0]);
        getSite().setSelectionProvider(viewer);
    }

    public TableViewer viewer() {
        return viewer;
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }
}
