package org.trainbench.engine.train.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossCurvePlotTest {
    @TempDir
    Path temp;

    @Test
    void thePlotIsAValidPngWithTheTrainAndValidationColours() throws IOException, DataFormatException {
        StringBuilder metrics = new StringBuilder("{\"type\":\"event\",\"event\":\"started\",\"step\":0}\n");
        for (int step = 10; step <= 300; step += 10) {
            metrics.append("{\"type\":\"train\",\"step\":").append(step).append(",\"loss\":").append(4.0 * Math.exp(-step / 80.0)).append("}\n");
        }
        metrics.append("{\"type\":\"validation\",\"step\":100,\"loss\":1.2}\n{\"type\":\"validation\",\"step\":300,\"loss\":0.3}\n");
        Path jsonl = temp.resolve("metrics.jsonl");
        Files.writeString(jsonl, metrics);
        Path png = temp.resolve("loss.png");
        LossCurvePlot.write(jsonl, png, "test");

        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(png));
        byte[] signature = new byte[8];
        file.get(signature);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, signature);
        int width = 0;
        int height = 0;
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        while (file.hasRemaining()) {
            int length = file.getInt();
            byte[] type = new byte[4];
            file.get(type);
            byte[] data = new byte[length];
            file.get(data);
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(data);
            assertEquals((int) crc.getValue(), file.getInt(), "CRC of chunk " + new String(type));
            String name = new String(type);
            if (name.equals("IHDR")) {
                ByteBuffer header = ByteBuffer.wrap(data);
                width = header.getInt();
                height = header.getInt();
            } else if (name.equals("IDAT")) {
                idat.write(data);
            }
        }
        assertEquals(900, width);
        assertEquals(520, height);
        Inflater inflater = new Inflater();
        inflater.setInput(idat.toByteArray());
        byte[] raw = new byte[height * (1 + 3 * width)];
        assertEquals(raw.length, inflater.inflate(raw));
        int blue = 0;
        int red = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = y * (1 + 3 * width) + 1 + 3 * x;
                int rgb = (raw[at] & 0xFF) << 16 | (raw[at + 1] & 0xFF) << 8 | raw[at + 2] & 0xFF;
                blue += rgb == 0x1F5FBF ? 1 : 0;
                red += rgb == 0xD0342C ? 1 : 0;
            }
        }
        assertTrue(blue > 500, "the train curve is drawn: " + blue + " pixels");
        assertTrue(red > 100, "the validation points are drawn: " + red + " pixels");
    }

    @Test
    void laterLinesForAStepWinAfterAResume() throws IOException {
        Path jsonl = temp.resolve("metrics.jsonl");
        Files.writeString(jsonl, """
                {"type":"train","step":10,"loss":2.0}
                {"type":"train","step":20,"loss":1.5}
                {"type":"event","event":"started","step":10,"resumed_from_step":10}
                {"type":"train","step":20,"loss":1.25}
                """);
        LossCurvePlot.Series series = LossCurvePlot.read(jsonl);
        assertEquals(1.25, series.train().get(20L));
        assertEquals(2, series.train().size());
    }

    @Test
    void roundAxisLimits() {
        assertEquals(600, LossCurvePlot.niceCeiling(600));
        assertEquals(5, LossCurvePlot.niceCeiling(4.1));
        assertEquals(4, LossCurvePlot.niceCeiling(3.98));
        assertEquals(0.25, LossCurvePlot.niceCeiling(0.21), 1e-12);
    }
}
