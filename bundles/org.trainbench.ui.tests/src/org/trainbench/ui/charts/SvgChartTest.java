package org.trainbench.ui.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {

    @Test
    void writesWellFormedSvgWithOnePolylinePerCurveAndTheTitles() throws Exception {
        Points train = new Points(new double[] {0, 50, 100}, new double[] {10, 5, 2.5}, 3);
        Points validation = new Points(new double[] {50, 100}, new double[] {6, 3}, 2);
        SvgChart chart = new SvgChart("Loss <run a>", "Step", "Loss", new double[] {0, 100}, new double[] {1, 10}, true,
                List.of(new SvgChart.Curve("train", 0x1f77b4, false, train), new SvgChart.Curve("validation", 0xff7f0e, true, validation)));
        String svg = chart.write(800, 400);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        NodeList lines = doc.getElementsByTagName("polyline");
        assertEquals(2, lines.getLength());
        String[] trainPoints = ((Element) lines.item(0)).getAttribute("points").trim().split(" ");
        assertEquals(3, trainPoints.length);
        // x = 0 sits at the plot's left edge (78 px); y = 10 at its top (40 px) on the log axis from 1 to 10
        assertEquals("78.00,40.00", trainPoints[0]);
        assertEquals("6 3", ((Element) lines.item(1)).getAttribute("stroke-dasharray"));
        assertTrue(svg.contains(">Loss &lt;run a&gt;</text>"), svg);
        assertTrue(svg.contains(">validation</text>"));
    }

    @Test
    void aLogAxisNeedsAPositiveRange() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SvgChart("t", "x", "y", new double[] {0, 1}, new double[] {0, 1}, true, List.of()));
    }
}
