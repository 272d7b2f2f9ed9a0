package dev.reprise.export;

import dev.reprise.fdsl.record.HostStatsRecord;
import dev.reprise.fdsl.record.StatsRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The plots of one run, as {@link Chart}s shared by the PNG/SVG renderer and the HTML report. Every
 * time chart carries the fault windows (shaded) and the marks and instantaneous faults (vertical lines).
 */
final class ExportCharts {
  private static final double MIB = 1024.0 * 1024.0;
  private static final double KIB = 1024.0;
  static final String X_LABEL = "seconds since T0";

  private ExportCharts() {}

  static List<Chart.Window> windows(TimelineAnalysis timeline) {
    List<Chart.Window> out = new ArrayList<>();
    for (FaultWindow f : timeline.injectedFaults()) {
      if (!f.instantaneous()) {
        out.add(new Chart.Window(f.startSeconds(), f.endSeconds(), f.displayLabel()));
      }
    }
    return out;
  }

  static List<Chart.Mark> marks(TimelineAnalysis timeline) {
    List<Chart.Mark> out = new ArrayList<>();
    for (MarkPoint m : timeline.marks()) {
      out.add(new Chart.Mark(m.seconds(), m.text(), false));
    }
    for (FaultWindow f : timeline.injectedFaults()) {
      if (f.instantaneous()) {
        out.add(new Chart.Mark(f.startSeconds(), f.displayLabel(), true));
      }
    }
    return out;
  }

  /** All charts, in report order. */
  static List<Chart> all(RunFolder run, TimelineAnalysis timeline, AliveSeries alive, WorkloadSeries workload,
      Resources resources) {
    List<Chart.Window> w = windows(timeline);
    List<Chart.Mark> m = marks(timeline);
    List<Chart> charts = new ArrayList<>();
    charts.add(alive(alive, w, m));
    charts.add(throughput(workload, w, m));
    charts.add(latency(workload, w, m));
    charts.add(perContainer("cpu-per-container", "CPU per container", "CPU % of one core", resources,
        StatsRecord::cpuPercent, null, w, m));
    charts.add(perContainer("memory-per-container", "Memory per container", "memory (MiB)", resources,
        s -> s.memBytes() / MIB, null, w, m));
    charts.add(perContainer("network-rx-per-container", "Network received per container", "received (KiB/s)",
        resources, null, Resources.ContainerSeries::rxRate, w, m));
    charts.add(perContainer("network-tx-per-container", "Network sent per container", "sent (KiB/s)",
        resources, null, Resources.ContainerSeries::txRate, w, m));
    charts.add(perHost("cpu-per-host", "CPU per host", "CPU % of the host", resources,
        HostStatsRecord::cpuPercent, w, m));
    charts.add(perHost("memory-per-host", "Memory used per host", "memory used (%)", resources,
        h -> h.memTotalBytes() > 0 ? 100.0 * (h.memTotalBytes() - h.memAvailableBytes()) / h.memTotalBytes()
            : Double.NaN, w, m));
    charts.add(hostNetwork(resources, w, m));
    charts.add(firingError(timeline, w, m));
    return charts;
  }

  static Chart alive(AliveSeries alive, List<Chart.Window> w, List<Chart.Mark> m) {
    List<Chart.Series> series = new ArrayList<>();
    double[] x = seconds(alive.seconds());
    List<String> all = alive.services();
    for (int i = 0; i < all.size(); i++) {
      int[] a = alive.actual().get(all.get(i));
      series.add(new Chart.Series(all.get(i), x, a == null ? new double[x.length] : toDouble(a), false, i));
    }
    if (!alive.source().equals("plan")) {
      List<String> services = alive.services();
      for (int i = 0; i < services.size(); i++) {
        int[] p = alive.planned().get(services.get(i));
        if (p != null) {
          series.add(new Chart.Series(services.get(i) + " (planned)", x, toDouble(p), true, i));
        }
      }
    }
    String src = alive.source().equals("plan") ? " (from the plan: no container events recorded)" : "";
    return new Chart("alive", "Containers alive per service" + src, X_LABEL, "containers alive", series, w, m,
        true, false);
  }

  static Chart throughput(WorkloadSeries workload, List<Chart.Window> w, List<Chart.Mark> m) {
    List<Chart.Series> series = new ArrayList<>();
    if (workload.present()) {
      double[] x = midSeconds(workload.seconds());
      series.add(new Chart.Series("ok ops/s", x, workload.ok(), false));
      series.add(new Chart.Series("errors/s", x, workload.errors(), false));
    }
    return new Chart("throughput", "Client throughput (all clients)", X_LABEL, "operations per second", series, w, m,
        false, false);
  }

  static Chart latency(WorkloadSeries workload, List<Chart.Window> w, List<Chart.Mark> m) {
    List<Chart.Series> series = new ArrayList<>();
    if (workload.present()) {
      double[] x = midSeconds(workload.seconds());
      series.add(new Chart.Series("p50", x, workload.p50(), false));
      series.add(new Chart.Series("p95", x, workload.p95(), false));
      series.add(new Chart.Series("p99", x, workload.p99(), false));
    }
    return new Chart("latency", "Client latency (ops-weighted mean over clients)", X_LABEL, "latency (ms)", series,
        w, m, false, false);
  }

  private static Chart perContainer(String id, String title, String yLabel, Resources r,
      ToDoubleFunction<StatsRecord> value, java.util.function.Function<Resources.ContainerSeries, double[]> rate,
      List<Chart.Window> w, List<Chart.Mark> m) {
    List<Chart.Series> series = new ArrayList<>();
    for (Resources.ContainerSeries c : r.containers.values()) {
      double[] y;
      if (value != null) {
        y = c.samples().stream().mapToDouble(value).toArray();
      } else {
        double[] raw = rate.apply(c);
        y = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
          y[i] = raw[i] / KIB;
        }
      }
      series.add(new Chart.Series(c.key(), c.seconds(), y, false));
    }
    return new Chart(id, title, X_LABEL, yLabel, series, w, m, false, false);
  }

  private static Chart perHost(String id, String title, String yLabel, Resources r,
      ToDoubleFunction<HostStatsRecord> value, List<Chart.Window> w, List<Chart.Mark> m) {
    List<Chart.Series> series = new ArrayList<>();
    for (Resources.HostSeries h : r.hosts.values()) {
      series.add(new Chart.Series(h.host(), h.seconds(), h.samples().stream().mapToDouble(value).toArray(), false));
    }
    return new Chart(id, title, X_LABEL, yLabel, series, w, m, false, false);
  }

  private static Chart hostNetwork(Resources r, List<Chart.Window> w, List<Chart.Mark> m) {
    List<Chart.Series> series = new ArrayList<>();
    for (Resources.HostSeries h : r.hosts.values()) {
      series.add(new Chart.Series(h.host() + " rx", h.seconds(), scale(h.rxRate(), 1 / KIB), false));
      series.add(new Chart.Series(h.host() + " tx", h.seconds(), scale(h.txRate(), 1 / KIB), true));
    }
    return new Chart("network-per-host", "Network per host", X_LABEL, "KiB/s (rx solid, tx dashed)", series, w, m,
        false, false);
  }

  static Chart firingError(TimelineAnalysis timeline, List<Chart.Window> w, List<Chart.Mark> m) {
    Map<String, List<ActionFiring>> byKind = new LinkedHashMap<>();
    for (ActionFiring a : timeline.actions()) {
      if (a.errorMillis() != null && a.plannedSeconds() != null) {
        String kind = a.fault() != null ? "fault " + a.fault() : a.action() == null ? a.kind() : a.action();
        byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(a);
      }
    }
    List<Chart.Series> series = new ArrayList<>();
    byKind.forEach((kind, list) -> series.add(new Chart.Series(kind,
        list.stream().mapToDouble(ActionFiring::plannedSeconds).toArray(),
        list.stream().mapToDouble(ActionFiring::errorMillis).toArray(), false)));
    return new Chart("firing-error", "Firing error per action (actual − planned)", "planned time (seconds since T0)",
        "firing error (ms)", series, w, m, false, true);
  }

  static double[] seconds(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
    }
    return x;
  }

  /** Second k is drawn at its middle, k + 0.5, where its samples were placed. */
  static double[] midSeconds(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i + 0.5;
    }
    return x;
  }

  static double[] toDouble(int[] a) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }

  private static double[] scale(double[] a, double f) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] * f;
    }
    return out;
  }
}
