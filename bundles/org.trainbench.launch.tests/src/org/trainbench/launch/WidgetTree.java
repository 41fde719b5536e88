package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.swt.ChartComposite;
import org.jfree.data.xy.XYDataset;

/**
 * Finds what a user sees in the workbench window (the visible tables, combos and charts) by walking its widget tree,
 * and works a control's context menu as a right-click would. Tests that live outside the views' bundle use it to read
 * the views through their widgets rather than through package-private accessors.
 */
final class WidgetTree {

    private WidgetTree() {
    }

    /** Visible controls of {@code type} under {@code root} that match, in tree order. */
    static <T extends Control> List<T> visible(Composite root, Class<T> type, Predicate<T> matches) {
        List<T> found = new ArrayList<>();
        collect(root, type, matches, found);
        return found;
    }

    private static <T extends Control> void collect(Control control, Class<T> type, Predicate<T> matches, List<T> found) {
        if (control.isDisposed() || !control.isVisible()) {
            return;
        }
        if (type.isInstance(control) && matches.test(type.cast(control))) {
            found.add(type.cast(control));
        }
        if (control instanceof Composite composite) {
            for (Control child : composite.getChildren()) {
                collect(child, type, matches, found);
            }
        }
    }

    /** The visible table whose columns start with these headers, or null. */
    static Table table(Composite root, String... headers) {
        List<Table> tables = visible(root, Table.class, table -> {
            TableColumn[] columns = table.getColumns();
            if (columns.length < headers.length) {
                return false;
            }
            for (int i = 0; i < headers.length; i++) {
                if (!columns[i].getText().equals(headers[i])) {
                    return false;
                }
            }
            return true;
        });
        return tables.isEmpty() ? null : tables.getFirst();
    }

    /** The visible read-only combo that offers {@code item}. */
    static Combo combo(Composite root, String item) {
        List<Combo> combos = visible(root, Combo.class, combo -> Arrays.asList(combo.getItems()).contains(item));
        assertTrue(combos.size() == 1, "expected one visible combo offering '" + item + "', found " + combos.size());
        return combos.getFirst();
    }

    /** The data of the visible chart titled {@code title} (JFreeChart's dataset: what it draws), or null. */
    static XYDataset chart(Composite root, String title) {
        List<ChartComposite> charts = visible(root, ChartComposite.class, c -> {
            JFreeChart chart = c.getChart();
            return chart != null && chart.getTitle() != null && title.equals(chart.getTitle().getText());
        });
        return charts.isEmpty() ? null : charts.getFirst().getChart().getXYPlot().getDataset();
    }

    static int seriesIndex(XYDataset dataset, String series) {
        if (dataset == null) {
            return -1;
        }
        for (int i = 0; i < dataset.getSeriesCount(); i++) {
            if (series.equals(dataset.getSeriesKey(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Points of the series, -1 without such a chart or series. */
    static int seriesSize(XYDataset dataset, String series) {
        int index = seriesIndex(dataset, series);
        return index < 0 ? -1 : dataset.getItemCount(index);
    }

    static double lastY(XYDataset dataset, String series) {
        int index = seriesIndex(dataset, series);
        assertTrue(index >= 0, "no series " + series + " in " + seriesSizes(dataset));
        return dataset.getYValue(index, dataset.getItemCount(index) - 1);
    }

    /** Series name to point count, for failure messages. */
    static Map<String, Integer> seriesSizes(XYDataset dataset) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        if (dataset != null) {
            for (int i = 0; i < dataset.getSeriesCount(); i++) {
                sizes.put(String.valueOf(dataset.getSeriesKey(i)), dataset.getItemCount(i));
            }
        }
        return sizes;
    }

    /**
     * Opens the control's context menu as a right-click does (its MenuManager fills it on SWT.Show), chooses the item
     * labelled {@code label}, and closes the menu.
     */
    static void runMenuItem(Control control, String label) {
        Menu menu = control.getMenu();
        assertNotNull(menu, "no context menu on " + control);
        menu.notifyListeners(SWT.Show, new Event());
        try {
            List<String> labels = new ArrayList<>();
            for (MenuItem item : menu.getItems()) {
                String text = item.getText().replace("&", "").split("\t")[0];
                labels.add(text);
                if (text.equals(label)) {
                    assertTrue(item.isEnabled(), label + " is disabled");
                    item.notifyListeners(SWT.Selection, new Event());
                    return;
                }
            }
            throw new AssertionError("no menu item '" + label + "' in " + labels);
        } finally {
            menu.notifyListeners(SWT.Hide, new Event());
        }
    }
}
