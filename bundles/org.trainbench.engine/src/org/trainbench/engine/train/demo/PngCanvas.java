package org.trainbench.engine.train.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * An RGB raster with lines, rectangles and a 5x7 pixel font, written as PNG with java.base alone (Deflater and
 * CRC32): the engine runs on servers whose trimmed Java runtime has no java.desktop, so no AWT or ImageIO.
 */
final class PngCanvas {
    private final int width;
    private final int height;
    private final int[] pixels;

    PngCanvas(int width, int height, int background) {
        this.width = width;
        this.height = height;
        this.pixels = new int[width * height];
        java.util.Arrays.fill(pixels, background);
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    int pixel(int x, int y) {
        return pixels[y * width + x];
    }

    void set(int x, int y, int rgb) {
        if (x >= 0 && y >= 0 && x < width && y < height) {
            pixels[y * width + x] = rgb;
        }
    }

    void fillRect(int x, int y, int w, int h, int rgb) {
        for (int j = y; j < y + h; j++) {
            for (int i = x; i < x + w; i++) {
                set(i, j, rgb);
            }
        }
    }

    /** A line of the given thickness (a square pen moved along Bresenham's line). */
    void line(int x0, int y0, int x1, int y1, int thickness, int rgb) {
        int dx = Math.abs(x1 - x0);
        int dy = -Math.abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1;
        int sy = y0 < y1 ? 1 : -1;
        int error = dx + dy;
        int x = x0;
        int y = y0;
        int half = thickness / 2;
        while (true) {
            fillRect(x - half, y - half, thickness, thickness, rgb);
            if (x == x1 && y == y1) {
                return;
            }
            int twice = 2 * error;
            if (twice >= dy) {
                error += dy;
                x += sx;
            }
            if (twice <= dx) {
                error += dx;
                y += sy;
            }
        }
    }

    /** Text in capitals with the 5x7 font, each font pixel drawn as a {@code scale} x {@code scale} square. */
    void text(String text, int x, int y, int scale, int rgb) {
        int at = x;
        for (char c : text.toUpperCase(Locale.ROOT).toCharArray()) {
            String[] glyph = GLYPHS.getOrDefault(c, GLYPHS.get('?'));
            for (int row = 0; row < 7; row++) {
                for (int column = 0; column < 5; column++) {
                    if (glyph[row].charAt(column) == '#') {
                        fillRect(at + column * scale, y + row * scale, scale, scale, rgb);
                    }
                }
            }
            at += 6 * scale;
        }
    }

    static int textWidth(String text, int scale) {
        return text.length() * 6 * scale - scale;
    }

    /** Writes the raster as an 8-bit RGB PNG. */
    void writePng(Path file) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflater = new DeflaterOutputStream(raw)) {
            byte[] row = new byte[1 + 3 * width];
            for (int y = 0; y < height; y++) {
                row[0] = 0; // filter type None
                for (int x = 0; x < width; x++) {
                    int rgb = pixels[y * width + x];
                    row[1 + 3 * x] = (byte) (rgb >> 16);
                    row[2 + 3 * x] = (byte) (rgb >> 8);
                    row[3 + 3 * x] = (byte) rgb;
                }
                deflater.write(row);
            }
        }
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        writeInt(header, width);
        writeInt(header, height);
        header.write(new byte[] {8, 2, 0, 0, 0}); // bit depth 8, colour type RGB, deflate, adaptive filters, no interlace
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            chunk(out, "IHDR", header.toByteArray());
            chunk(out, "IDAT", raw.toByteArray());
            chunk(out, "IEND", new byte[0]);
        }
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        ByteArrayOutputStream length = new ByteArrayOutputStream();
        writeInt(length, data.length);
        out.write(length.toByteArray());
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        ByteArrayOutputStream checksum = new ByteArrayOutputStream();
        writeInt(checksum, (int) crc.getValue());
        out.write(checksum.toByteArray());
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }

    private static final Map<Character, String[]> GLYPHS = Map.ofEntries(
            Map.entry('A', new String[] {" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"}),
            Map.entry('B', new String[] {"#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### "}),
            Map.entry('C', new String[] {" ####", "#    ", "#    ", "#    ", "#    ", "#    ", " ####"}),
            Map.entry('D', new String[] {"#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### "}),
            Map.entry('E', new String[] {"#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####"}),
            Map.entry('F', new String[] {"#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    "}),
            Map.entry('G', new String[] {" ####", "#    ", "#    ", "#  ##", "#   #", "#   #", " ####"}),
            Map.entry('H', new String[] {"#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"}),
            Map.entry('I', new String[] {"#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "#####"}),
            Map.entry('J', new String[] {"  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  "}),
            Map.entry('K', new String[] {"#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #"}),
            Map.entry('L', new String[] {"#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####"}),
            Map.entry('M', new String[] {"#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #"}),
            Map.entry('N', new String[] {"#   #", "##  #", "# # #", "#  ##", "#   #", "#   #", "#   #"}),
            Map.entry('O', new String[] {" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "}),
            Map.entry('P', new String[] {"#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    "}),
            Map.entry('Q', new String[] {" ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #"}),
            Map.entry('R', new String[] {"#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #"}),
            Map.entry('S', new String[] {" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "}),
            Map.entry('T', new String[] {"#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "}),
            Map.entry('U', new String[] {"#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "}),
            Map.entry('V', new String[] {"#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  "}),
            Map.entry('W', new String[] {"#   #", "#   #", "#   #", "# # #", "# # #", "## ##", "#   #"}),
            Map.entry('X', new String[] {"#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #"}),
            Map.entry('Y', new String[] {"#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  "}),
            Map.entry('Z', new String[] {"#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####"}),
            Map.entry('0', new String[] {" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "}),
            Map.entry('1', new String[] {"  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "}),
            Map.entry('2', new String[] {" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"}),
            Map.entry('3', new String[] {"#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "}),
            Map.entry('4', new String[] {"   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "}),
            Map.entry('5', new String[] {"#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "}),
            Map.entry('6', new String[] {"  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "}),
            Map.entry('7', new String[] {"#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "}),
            Map.entry('8', new String[] {" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "}),
            Map.entry('9', new String[] {" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "}),
            Map.entry('.', new String[] {"     ", "     ", "     ", "     ", "     ", " ##  ", " ##  "}),
            Map.entry(',', new String[] {"     ", "     ", "     ", "     ", " ##  ", "  #  ", " #   "}),
            Map.entry('-', new String[] {"     ", "     ", "     ", "#####", "     ", "     ", "     "}),
            Map.entry('+', new String[] {"     ", "  #  ", "  #  ", "#####", "  #  ", "  #  ", "     "}),
            Map.entry('=', new String[] {"     ", "     ", "#####", "     ", "#####", "     ", "     "}),
            Map.entry(':', new String[] {"     ", " ##  ", " ##  ", "     ", " ##  ", " ##  ", "     "}),
            Map.entry('(', new String[] {"   # ", "  #  ", " #   ", " #   ", " #   ", "  #  ", "   # "}),
            Map.entry(')', new String[] {" #   ", "  #  ", "   # ", "   # ", "   # ", "  #  ", " #   "}),
            Map.entry('/', new String[] {"    #", "    #", "   # ", "  #  ", " #   ", "#    ", "#    "}),
            Map.entry('%', new String[] {"##   ", "##  #", "   # ", "  #  ", " #   ", "#  ##", "   ##"}),
            Map.entry('?', new String[] {" ### ", "#   #", "    #", "   # ", "  #  ", "     ", "  #  "}),
            Map.entry(' ', new String[] {"     ", "     ", "     ", "     ", "     ", "     ", "     "}));
}
