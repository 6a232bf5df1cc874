package dev.gpupool.benchmark;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The table and the chart from known figures: rows, speed-ups, percentiles, and an SVG that parses. */
class BenchReportTest {
    static ContenderResult.Round round(double seconds, int ok, double mp, List<Double> lat, long heap, long kids) {
        return new ContenderResult.Round(seconds, ok, 0, mp, lat, heap, kids);
    }

    static BenchResult sample(String device) {
        Machine m = new Machine("Test CPU <8 cores>", 2, "1.0 GiB", "Linux", "Java 25", List.of("cpu: 2 worker processes"),
                "jpeg: test", List.of("opencl: " + device));
        // cpu: 10 images in 1.0, 0.5, 2.0 s -> 10, 20, 5 img/s, median 10
        ContenderResult cpu = new ContenderResult("cpu", "2 worker processes", false, List.of(
                round(1.0, 10, 50, List.of(1.0, 2.0, 3.0, 4.0), 10L << 20, 300L << 20),
                round(0.5, 10, 50, List.of(5.0), 12L << 20, 320L << 20),
                round(2.0, 10, 50, List.of(6.0, 7.0, 8.0, 9.0, 10.0), 11L << 20, 310L << 20)));
        // peer: 10 images in 2.0, 2.5, 4.0 s -> 5, 4, 2.5 img/s, median 4
        ContenderResult peer = new ContenderResult("Thumbnailator 0.4.20", "2 threads", true, List.of(
                round(2.0, 10, 50, List.of(100.0), 400L << 20, -1),
                round(2.5, 10, 50, List.of(200.0), 500L << 20, -1),
                round(4.0, 10, 50, List.of(300.0), 450L << 20, -1)));
        ContenderResult gpu = new ContenderResult("opencl", device, false, List.of(
                round(0.25, 10, 50, List.of(1.0), 80L << 20, -1)));
        return new BenchResult("gpupool bench x", m, 10, 50, "generated", 256, 1, 3, List.of(cpu, gpu, peer), new ArrayList<>());
    }

    @Test
    void percentilesInterpolateBetweenRanks() {
        assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 3.0, 2.0)), 1e-9);
        assertEquals(3.85, Stats.percentile(List.of(1.0, 2.0, 3.0, 4.0), 95), 1e-9);
        assertEquals(7.0, Stats.median(List.of(7.0)), 1e-9);
        assertTrue(Double.isNaN(Stats.median(List.of())));
    }

    @Test
    void tableHasOneRowPerContenderWithSpeedUpOverThePeer() {
        BenchResult r = sample("GPU & co");
        String[] lines = MarkdownReport.table(r).strip().split("\n");
        assertEquals(2 + 3, lines.length, MarkdownReport.table(r));
        assertTrue(lines[0].contains("speed-up vs Thumbnailator") && lines[0].contains("p95 ms") && lines[0].contains("peak memory"), lines[0]);
        String cpu = lines[2], gpu = lines[3], peer = lines[4];
        assertTrue(cpu.startsWith("| cpu | 2 worker processes | 10.00 | 5.00–20.00 | 50.0 |"), cpu);
        // latencies 1..10 over all rounds: p50 5.5 -> "6" (rounded half-even or up), p95 9.55 -> "10"
        assertTrue(cpu.contains("| 10 | 2.50x |"), cpu);
        assertTrue(cpu.endsWith("| 12 MB heap + 320 MB workers' RSS |"), cpu);
        assertTrue(gpu.startsWith("| opencl | GPU & co | 40.00 |") && gpu.contains("| 10.00x |"), gpu);
        assertTrue(peer.startsWith("| Thumbnailator 0.4.20 |") && peer.contains("| 1.00x | 500 MB heap |"), peer);
    }

    @Test
    void withoutThePeerSpeedUpIsNotApplicable() {
        BenchResult full = sample("g");
        BenchResult r = new BenchResult(full.command(), full.machine(), 10, 50, "generated", 256, 1, 3,
                full.contenders().subList(0, 2), List.of("no peer"));
        assertTrue(MarkdownReport.table(r).contains("| n/a |"));
        assertTrue(MarkdownReport.document(r).contains("- no peer"));
    }

    @Test
    void documentNamesTheMachineAndTheCommand() {
        String doc = MarkdownReport.document(sample("g"));
        assertTrue(doc.contains("`gpupool bench x`"));
        assertTrue(doc.contains("- CPU: Test CPU <8 cores>, 2 cores"));
        assertTrue(doc.contains("- opencl: g") || doc.contains("- cpu: 2 worker processes"));
    }

    @Test
    void svgParsesWithABarAndWhiskerPerContenderScaledToTheMedians() throws Exception {
        String svg = SvgChart.render(sample("GPU <\"quoted\"> & 'co'"));
        Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        NodeList rects = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
        List<Element> bars = new ArrayList<>();
        for (int i = 0; i < rects.getLength(); i++) {
            Element e = (Element) rects.item(i);
            if ("bar".equals(e.getAttribute("class"))) bars.add(e);
        }
        assertEquals(3, bars.size());
        double cpu = Double.parseDouble(bars.get(0).getAttribute("height"));
        double gpu = Double.parseDouble(bars.get(1).getAttribute("height"));
        double peer = Double.parseDouble(bars.get(2).getAttribute("height"));
        assertEquals(2.5, cpu / peer, 0.01);
        assertEquals(4.0, gpu / cpu, 0.01);
        NodeList gs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
        int whiskers = 0;
        for (int i = 0; i < gs.getLength(); i++) if ("whisker".equals(((Element) gs.item(i)).getAttribute("class"))) whiskers++;
        assertEquals(3, whiskers);
        assertTrue(doc.getDocumentElement().getTextContent().contains("Test CPU <8 cores>"), "the title names the machine");
    }

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
