package org.trainbench.ui.views;

import org.trainbench.ui.charts.Points;

/**
 * One curve of a chart, ready to draw.
 *
 * @param rgb colour as {@code 0xRRGGBB}
 */
record ChartCurve(String name, int rgb, Style style, Points points) {

    enum Style {
        /** The main curve: a solid line. */
        LINE,
        /** The raw curve behind a smoothed one: a thin pale line. */
        FAINT,
        /** Evaluations, logged rarely: a dashed line with a marker on each point. */
        MARKED
    }

    /** Colours that stay apart for the colour-blind (Okabe-Ito), in order of use. */
    static final int[] PALETTE = {0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0x000000, 0xF0E442};

    /** The colour a lighter version of which draws the raw curve behind the smoothed one. */
    static int pale(int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        return ((r + 2 * 255) / 3) << 16 | ((g + 2 * 255) / 3) << 8 | (b + 2 * 255) / 3;
    }
}
