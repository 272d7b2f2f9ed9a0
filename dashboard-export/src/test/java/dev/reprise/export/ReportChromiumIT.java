package dev.reprise.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the exported report.html from disk in headless Chromium (no network) and checks that every
 * chart drew its series: the report's script counts, on each chart's canvas, the pixels in the
 * colours of that chart's series and writes the count into the DOM.
 */
class ReportChromiumIT {
  private static final Pattern CHART = Pattern.compile("<div class=\"chart\" id=\"chart-([a-z0-9-]+)\"[^>]*>");

  static Map<String, String> chartDivs(String dom) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = CHART.matcher(dom);
    while (m.find()) {
      out.put(m.group(1), m.group());
    }
    return out;
  }

  static int attr(String tag, String name) {
    Matcher m = Pattern.compile(name + "=\"(\\d+)\"").matcher(tag);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  @Test
  void everyChartOfTheRunReportRendersInHeadlessChromium(@TempDir Path tmp) throws Exception {
    Path run = Fixtures.copy("fault-run", tmp);
    ExportResult result = new Exporter().export(run);
    String dom = Chromium.dumpDom(result.report(), tmp);

    Map<String, String> charts = chartDivs(dom);
    assertThat(charts).hasSize(11).containsKeys("alive", "throughput", "latency", "cpu-per-container",
        "memory-per-host", "firing-error");
    assertThat(dom).contains("data-charts-rendered=\"11\"");
    charts.forEach((id, tag) -> {
      assertThat(attr(tag, "data-series")).as("series of %s", id).isGreaterThan(0);
      assertThat(attr(tag, "data-series-pixels")).as("pixels drawn in series colours in %s: %s", id, tag)
          .isGreaterThan(20);
    });
    assertThat(attr(charts.get("throughput"), "data-series-pixels")).isGreaterThan(500);
    // the log viewer ran: it counted the lines and the markup in a log line stayed text
    assertThat(dom).contains("matching line(s)").contains("&lt;script&gt;alert('x')&lt;/script&gt;");
  }

  @Test
  void everyChartOfTheComparisonPageRendersInHeadlessChromium(@TempDir Path tmp) throws Exception {
    RunComparison.Result r = new RunComparison().compare(Fixtures.source("baseline-run"), Fixtures.source("fault-run"),
        Thresholds.DEFAULTS, tmp.resolve("cmp"));
    String dom = Chromium.dumpDom(r.html(), tmp);
    Map<String, String> charts = chartDivs(dom);
    assertThat(charts).containsOnlyKeys("compare-throughput", "compare-errors", "compare-latency",
        "compare-anomalies", "compare-alive");
    charts.forEach((id, tag) -> assertThat(attr(tag, "data-series-pixels"))
        .as("pixels drawn in series colours in %s: %s", id, tag).isGreaterThan(100));
  }
}
