package org.trainbench.launch.ui;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.CellEditor;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.EditingSupport;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.jface.viewers.TextCellEditor;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Table;
import org.trainbench.launch.ConfigOverride;

/**
 * The editable table of {@code --set key=value} overrides: two columns edited in place, and Add, Remove, Up, Down.
 * Typing {@code key=value} into the key cell fills both cells, so a line copied from a shell works as it is.
 */
final class OverridesTable {

    /** One editable row; the table's model while the tab is shown. */
    static final class Row {
        String key;
        String value;

        Row(String key, String value) {
            this.key = key;
            this.value = value;
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final Runnable changed;
    final TableViewer viewer;
    final TextCellEditor keyEditor;
    final TextCellEditor valueEditor;
    final Button add;
    final Button remove;
    final Button up;
    final Button down;

    OverridesTable(Composite parent, Runnable changed) {
        this.changed = changed;
        Composite composite = new Composite(parent, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(composite);
        GridLayout layout = new GridLayout(2, false);
        layout.marginWidth = 0;
        layout.marginHeight = 0;
        composite.setLayout(layout);

        viewer = new TableViewer(composite, SWT.BORDER | SWT.FULL_SELECTION | SWT.MULTI | SWT.V_SCROLL);
        Table table = viewer.getTable();
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        GridDataFactory.fillDefaults().grab(true, true).hint(420, 110).applyTo(table);
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        keyEditor = new TextCellEditor(table);
        valueEditor = new TextCellEditor(table);
        column("Key", 260, row -> row.key, keyEditor, (row, text) -> {
            int equals = text.indexOf('=');
            if (equals > 0) {
                row.key = text.substring(0, equals).strip();
                row.value = text.substring(equals + 1).strip();
            } else {
                row.key = text.strip();
            }
        });
        column("Value", 200, row -> row.value, valueEditor, (row, text) -> row.value = text.strip());
        viewer.setInput(rows);

        Composite buttons = new Composite(composite, SWT.NONE);
        GridDataFactory.fillDefaults().align(SWT.FILL, SWT.BEGINNING).applyTo(buttons);
        GridLayout buttonLayout = new GridLayout(1, true);
        buttonLayout.marginWidth = 0;
        buttonLayout.marginHeight = 0;
        buttons.setLayout(buttonLayout);
        add = button(buttons, "Add", this::addRow);
        remove = button(buttons, "Remove", this::removeSelected);
        up = button(buttons, "Up", () -> moveSelected(-1));
        down = button(buttons, "Down", () -> moveSelected(1));
        viewer.addSelectionChangedListener(event -> updateButtons());
        updateButtons();
    }

    private interface Getter {
        String get(Row row);
    }

    private interface Setter {
        void set(Row row, String text);
    }

    private void column(String title, int width, Getter getter, TextCellEditor editor, Setter setter) {
        TableViewerColumn column = new TableViewerColumn(viewer, SWT.LEFT);
        column.getColumn().setText(title);
        column.getColumn().setWidth(width);
        column.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return getter.get((Row) element);
            }
        });
        column.setEditingSupport(new EditingSupport(viewer) {
            @Override
            protected CellEditor getCellEditor(Object element) {
                return editor;
            }

            @Override
            protected boolean canEdit(Object element) {
                return true;
            }

            @Override
            protected Object getValue(Object element) {
                return getter.get((Row) element);
            }

            @Override
            protected void setValue(Object element, Object value) {
                setter.set((Row) element, String.valueOf(value));
                viewer.update(element, null);
                changed.run();
            }
        });
    }

    private static Button button(Composite parent, String text, Runnable action) {
        Button button = new Button(parent, SWT.PUSH);
        button.setText(text);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(button);
        button.addListener(SWT.Selection, event -> action.run());
        return button;
    }

    void setOverrides(List<ConfigOverride> overrides) {
        rows.clear();
        for (ConfigOverride override : overrides) {
            rows.add(new Row(override.key(), override.value()));
        }
        viewer.refresh();
        updateButtons();
    }

    List<ConfigOverride> overrides() {
        return rows.stream().map(row -> new ConfigOverride(row.key, row.value)).toList();
    }

    /** Adds an empty row and starts editing its key. */
    private void addRow() {
        Row row = new Row("", "");
        rows.add(row);
        viewer.refresh();
        viewer.setSelection(new StructuredSelection(row));
        viewer.editElement(row, 0);
        changed.run();
    }

    private void removeSelected() {
        rows.removeAll(selectedRows());
        viewer.refresh();
        updateButtons();
        changed.run();
    }

    private void moveSelected(int offset) {
        List<Row> selected = selectedRows();
        if (selected.size() != 1) {
            return;
        }
        Row row = selected.get(0);
        int from = rows.indexOf(row);
        int to = from + offset;
        if (to < 0 || to >= rows.size()) {
            return;
        }
        rows.remove(from);
        rows.add(to, row);
        viewer.refresh();
        viewer.setSelection(new StructuredSelection(row));
        changed.run();
    }

    private List<Row> selectedRows() {
        IStructuredSelection selection = viewer.getStructuredSelection();
        List<Row> selected = new ArrayList<>();
        for (Object element : selection.toList()) {
            selected.add((Row) element);
        }
        return selected;
    }

    private void updateButtons() {
        List<Row> selected = selectedRows();
        int index = selected.size() == 1 ? rows.indexOf(selected.get(0)) : -1;
        remove.setEnabled(!selected.isEmpty());
        up.setEnabled(index > 0);
        down.setEnabled(index >= 0 && index < rows.size() - 1);
    }
}
