package org.trainbench.rcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;

/** The application menu bar of the real Trainbench window, read from its SWT menus. */
class MenuBarTest {

    private static Menu menuBar() {
        Menu bar = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell().getMenuBar();
        assertNotNull(bar, "the Trainbench window has no menu bar");
        return bar;
    }

    /** Item labels without mnemonics and accelerators, as a user reads them; shows the menu first so that dynamic items exist. */
    private static List<String> labels(Menu menu) {
        menu.notifyListeners(SWT.Show, new Event());
        List<String> labels = new ArrayList<>();
        for (MenuItem item : menu.getItems()) {
            if ((item.getStyle() & SWT.SEPARATOR) == 0) {
                labels.add(plain(item.getText()));
            }
        }
        menu.notifyListeners(SWT.Hide, new Event());
        return labels;
    }

    private static String plain(String text) {
        int tab = text.indexOf('\t');
        return (tab < 0 ? text : text.substring(0, tab)).replace("&", "");
    }

    private static Menu submenu(Menu menu, String label) {
        menu.notifyListeners(SWT.Show, new Event());
        for (MenuItem item : menu.getItems()) {
            if (plain(item.getText()).equals(label)) {
                return item.getMenu();
            }
        }
        throw new AssertionError("no '" + label + "' in " + labels(menu));
    }

    @Test
    void theMenuBarHasFileEditRunWindowAndHelpInThatOrder() {
        assertEquals(List.of("File", "Edit", "Run", "Window", "Help"), labels(menuBar()));
    }

    @Test
    void fileOffersNewExperimentAndOpenFileAndExit() {
        List<String> file = labels(submenu(menuBar(), "File"));
        assertEquals("New Experiment...", file.get(0));
        assertTrue(file.contains("Open File..."), file.toString());
        assertEquals("Exit", file.get(file.size() - 1));
    }

    @Test
    void runOffersRunAsAndRunConfigurationsAndWindowShowViewAndHelpAbout() {
        List<String> run = labels(submenu(menuBar(), "Run"));
        assertEquals(List.of("Run As", "Run Configurations..."), run.subList(0, 2));
        assertTrue(labels(submenu(menuBar(), "Window")).contains("Show View"));
        assertTrue(labels(submenu(menuBar(), "Help")).contains("About Trainbench"));
    }
}
