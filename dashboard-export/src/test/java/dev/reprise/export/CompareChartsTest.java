package dev.reprise.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The comparison's image files: PNGs decode, SVGs parse, the anomaly windows are shaded in their colour. */
class CompareChartsTest {
  @Test void writesThroughputAndBarChartsAsPngAndSvg(@TempDir Path tmp) throws Exception {
    Comparison c = VerdictFixtures.comparison();
    WorkloadSeries rw = VerdictFixtures.runSeries();
    WorkloadSeries bw = ComparisonTest.series(ComparisonTest.constant(120, 1000), new double[120]);
    List<Path> files = CompareCharts.write(tmp, CompareCharts.throughput(c, bw, rw, VerdictFixtures.faults()), CompareCharts.bars(c));
    assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
        "compare-throughput.png", "compare-throughput.svg", "compare-bars.png", "compare-bars.svg");
    for (Path p : files) {
      if (p.toString().endsWith(".png")) {
        BufferedImage img = ImageIO.read(p.toFile());
        assertThat(img).as(p.toString()).isNotNull();
        assertThat(img.getWidth()).isEqualTo(960);
      } else {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(p.toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
      }
    }
    var svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(tmp.resolve("compare-throughput.svg").toFile());
    NodeList rects = svg.getElementsByTagName("rect");
    int shaded = 0;
    for (int i = 0; i < rects.getLength(); i++) {
      if (CompareCharts.ANOMALY_COLOR.equals(((Element) rects.item(i)).getAttribute("fill"))) shaded++;
    }
    assertThat(shaded).as("one shaded rectangle per anomaly window").isEqualTo(c.anomalies().size()).isEqualTo(2);
    String text = Files.readString(tmp.resolve("compare-throughput.svg"));
    assertThat(text).contains("anomaly 30–38 s").contains("anomaly 70–73 s").contains("kill @db[0]");
    // the PNG has the anomaly colour inside the plot, in the first window (30–38 s)
    BufferedImage png = ImageIO.read(tmp.resolve("compare-throughput.png").toFile());
    PlotLayout layout = new PlotLayout(CompareCharts.throughput(c, bw, rw, VerdictFixtures.faults()));
    int x = (int) layout.px(34);
    int y = PlotLayout.TOP + 20;
    int rgb = png.getRGB(x, y) & 0xffffff;
    assertThat(rgb).as("pixel at 34 s is tinted, not white").isNotEqualTo(0xffffff);
    assertThat((rgb >> 16) & 0xff).as("tinted amber: red channel high").isGreaterThan((rgb & 0xff));
    String bars = Files.readString(tmp.resolve("compare-bars.svg"));
    assertThat(bars).contains("throughput (ops/s)").contains("p95 latency (ms)").contains("error rate (%)").contains("963.6");
  }
}
