package dev.reprise.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The image files of a comparison: {@code compare-throughput.png/.svg} (both runs' throughput on
 * one axis, the run's anomaly windows shaded amber, lasting faults shaded red, instantaneous faults
 * as red lines, the anomaly threshold dashed) and {@code compare-bars.png/.svg} (baseline against
 * run: throughput, p95 latency, error rate). Pure apart from {@link #write}.
 */
public final class CompareCharts {
  public static final String THROUGHPUT = "compare-throughput";
  public static final String BARS = "compare-bars";
  /** The colour of anomaly windows (faults are red). */
  static final String ANOMALY_COLOR = "#f2a93b";

  private CompareCharts() {}

  static Chart throughput(Comparison c, WorkloadSeries bw, WorkloadSeries rw, List<FaultWindow> faults) {
    List<Chart.Window> windows = new ArrayList<>();
    for (Comparison.AnomalyWindow a : c.anomalies()) {
      windows.add(new Chart.Window(a.from(), a.to(), "anomaly " + a.from() + "–" + a.to() + " s", ANOMALY_COLOR));
    }
    List<Chart.Mark> marks = new ArrayList<>();
    for (FaultWindow f : faults) {
      if (f.instantaneous()) {
        marks.add(new Chart.Mark(f.startSeconds(), f.displayLabel(), true));
      } else {
        windows.add(new Chart.Window(f.startSeconds(), f.endSeconds(), f.displayLabel()));
      }
    }
    windows.sort((a, b) -> Double.compare(a.from(), b.from()));
    List<Chart.Series> series = new ArrayList<>();
    series.add(new Chart.Series("baseline ok ops/s", ExportCharts.midSeconds(bw.seconds()), bw.ok(), true, 8));
    series.add(new Chart.Series("run ok ops/s", ExportCharts.midSeconds(rw.seconds()), rw.ok(), false, 0));
    if (c.referenceThroughput() != null) {
      double limit = c.referenceThroughput() * (1 - c.thresholds().dropFraction());
      series.add(new Chart.Series(String.format(Locale.ROOT, "anomaly threshold (%.0f%% below the baseline's median)",
          c.thresholds().dropFraction() * 100), new double[] {c.thresholds().warmupSeconds(), Math.max(bw.seconds(), rw.seconds())},
          new double[] {limit, limit}, true, 5));
    }
    return new Chart(THROUGHPUT, "Throughput of " + c.run() + " (anomaly windows shaded amber, faults red)", ExportCharts.X_LABEL,
        "operations per second", series, windows, marks, false, false);
  }

  static BarChart bars(Comparison c) {
    Comparison.Summary b = c.baselineSummary();
    Comparison.Summary r = c.runSummary();
    return new BarChart(BARS, "Baseline vs failure run", List.of("baseline", "run"), List.of(
        new BarChart.Panel("throughput", "ops/s", Arrays.asList(b.throughput(), r.throughput()), 1),
        new BarChart.Panel("p95 latency", "ms", Arrays.asList(b.p95(), r.p95()), 2),
        new BarChart.Panel("error rate", "%", Arrays.asList(pct(b.errorRate()), pct(r.errorRate())), 3)));
  }

  private static Double pct(Double v) {
    return v == null ? null : v * 100;
  }

  /** Writes the four files into {@code dir}; returns them (PNG, SVG of each). */
  static List<Path> write(Path dir, Chart throughput, BarChart bars) throws IOException {
    var renderer = new ChartRenderer();
    List<Path> out = new ArrayList<>();
    out.add(Files.write(dir.resolve(throughput.id() + ".png"), renderer.png(throughput)));
    out.add(Files.write(dir.resolve(throughput.id() + ".svg"), renderer.svg(throughput)));
    out.add(Files.write(dir.resolve(bars.id() + ".png"), bars.png()));
    out.add(Files.write(dir.resolve(bars.id() + ".svg"), bars.svg()));
    return out;
  }
}
