package org.trainbench.launch.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.ui.ide.FileStoreEditorInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.launch.TrainingRunSettings;

class TrainingRunShortcutTest {

    @TempDir
    Path dir;

    @Test
    void aYamlFileFromTheFileSystemIsAConfigWhateverFormItIsSelectedIn() throws Exception {
        Path config = Files.writeString(dir.resolve("pretrain.yaml"), "training:\n  train_iters: 1\n");
        Path notes = Files.writeString(dir.resolve("notes.txt"), "x");
        FileStoreEditorInput opened = new FileStoreEditorInput(EFS.getLocalFileSystem().getStore(config.toUri()));
        ConfigFileTester tester = new ConfigFileTester();

        for (Object element : new Object[] {config, config.toFile(), opened}) {
            assertEquals(Optional.of(config), ConfigFileLocation.of(element), element.getClass().getName());
            assertTrue(tester.test(element, "isConfigFile", new Object[0], null), element.getClass().getName());
        }
        assertTrue(ConfigFileLocation.isConfigFile(new File(dir.toFile(), "other.YML")));
        assertFalse(tester.test(notes.toFile(), "isConfigFile", new Object[0], null));
        assertFalse(tester.test("pretrain.yaml", "isConfigFile", new Object[0], null));
    }

    @Test
    void runAsCreatesOneConfigurationPerConfigFileAndReusesItAfterwards() throws Exception {
        Path config = Files.writeString(dir.resolve("llama-sft.yaml"), "training:\n  train_iters: 1\n");
        ILaunchConfiguration created = TrainingRunShortcut.findOrCreate(config);
        try {
            assertTrue(created.getName().startsWith("llama-sft"), created.getName());
            assertEquals(TrainingRunSettings.forConfig(config.toString()), TrainingRunSettings.read(created));

            ILaunchConfiguration again = TrainingRunShortcut.findOrCreate(dir.resolve("./llama-sft.yaml"));
            assertEquals(created, again);
            assertArrayEquals(new ILaunchConfiguration[] {created},
                    new TrainingRunShortcut().getLaunchConfigurations(new StructuredSelection(config.toFile())));
        } finally {
            created.delete();
        }
    }
}
