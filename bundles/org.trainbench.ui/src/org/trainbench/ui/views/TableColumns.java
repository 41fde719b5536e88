package org.trainbench.ui.views;

import java.util.function.Function;

import org.eclipse.jface.layout.TableColumnLayout;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.ColumnPixelData;
import org.eclipse.jface.viewers.ColumnWeightData;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.swt.graphics.Color;

/**
 * The columns of a view's table of rows of type {@code T}: each with its title, width (fixed pixels, or a share of the
 * free width with a minimum) and alignment, its text per row, optionally a colour per row; every cell's tool tip is
 * the row's. The Experiments and Checkpoints views set their tables up with it.
 */
final class TableColumns<T> {
    private final TableViewer viewer;
    private final TableColumnLayout layout;
    private final Class<T> rowType;
    private final Function<T, String> toolTip;

    TableColumns(TableViewer viewer, TableColumnLayout layout, Class<T> rowType, Function<T, String> toolTip) {
        this.viewer = viewer;
        this.layout = layout;
        this.rowType = rowType;
        this.toolTip = toolTip;
    }

    /**
     * Adds a column.
     *
     * @param weight    0 for a column of fixed width {@code minimum}; else its share of the width left over
     * @param minimum   its width in pixels (the least, for a weighted column)
     * @param alignment {@code SWT.LEFT} or {@code SWT.RIGHT}
     */
    void add(String title, int weight, int minimum, int alignment, Function<T, String> text) {
        add(title, weight, minimum, alignment, text, row -> null);
    }

    /** Adds a column whose text has a colour per row ({@code null}: the table's). */
    void add(String title, int weight, int minimum, int alignment, Function<T, String> text, Function<T, Color> foreground) {
        TableViewerColumn column = new TableViewerColumn(viewer, alignment);
        column.getColumn().setText(title);
        layout.setColumnData(column.getColumn(), weight == 0 ? new ColumnPixelData(minimum, true)
                : new ColumnWeightData(weight, minimum));
        column.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return text.apply(rowType.cast(element));
            }

            @Override
            public Color getForeground(Object element) {
                return foreground.apply(rowType.cast(element));
            }

            @Override
            public String getToolTipText(Object element) {
                return toolTip.apply(rowType.cast(element));
            }
        });
    }
}
