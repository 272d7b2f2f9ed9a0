package dev.reprise.export;

import dev.reprise.fdsl.record.HostStatsRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.StatsRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The CSV series of one run; every file has a header row; times are ISO-8601 and seconds since T0. */
final class CsvFiles {
  static final String DIR = "csv";
  static final String LABELS = "labels.csv";

  private CsvFiles() {}

  /** File-name-safe form of a series key. */
  static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String iso(RunFolder run, double seconds) {
    return RecordJson.format(run.t0().plusNanos(Math.round(seconds * 1e9)));
  }

  private static String iso(Instant t) {
    return t == null ? null : RecordJson.format(t);
  }

  static void alive(Path file, RunFolder run, AliveSeries alive) throws IOException {
    List<String> services = alive.services();
    List<String> header = new ArrayList<>(List.of("second", "time"));
    services.forEach(header::add);
    if (!alive.planned().isEmpty()) {
      services.forEach(s -> header.add(s + " (planned)"));
    }
    try (Csv csv = new Csv(file, header.toArray(String[]::new))) {
      for (int k = 0; k < alive.seconds(); k++) {
        List<Object> row = new ArrayList<>(List.of(k, iso(run, k)));
        for (String s : services) {
          int[] a = alive.actual().get(s);
          row.add(a == null ? null : a[k]);
        }
        if (!alive.planned().isEmpty()) {
          for (String s : services) {
            int[] p = alive.planned().get(s);
            row.add(p == null ? null : p[k]);
          }
        }
        csv.row(row.toArray());
      }
    }
  }

  static void workload(Path file, RunFolder run, WorkloadSeries w) throws IOException {
    List<String> kinds = new ArrayList<>(w.errorsByKind().keySet());
    List<String> header = new ArrayList<>(List.of("second", "time", "clients", "ops_ok_per_s", "errors_per_s",
        "error_rate"));
    kinds.forEach(k -> header.add("errors_" + k + "_per_s"));
    header.addAll(List.of("p50_ms", "p95_ms", "p99_ms", "max_ms", "in_flight", "open_connections"));
    try (Csv csv = new Csv(file, header.toArray(String[]::new))) {
      for (int k = 0; k < w.seconds(); k++) {
        List<Object> row = new ArrayList<>(List.of(k, iso(run, k), w.clients()[k]));
        row.add(w.ok()[k]);
        row.add(w.errors()[k]);
        row.add(w.errorRate(k));
        for (String kind : kinds) {
          row.add(w.errorsByKind().get(kind)[k]);
        }
        row.add(w.p50()[k]);
        row.add(w.p95()[k]);
        row.add(w.p99()[k]);
        row.add(w.max()[k]);
        row.add(w.inFlight()[k]);
        row.add(w.connections()[k]);
        csv.row(row.toArray());
      }
    }
  }

  static void workloadClients(Path file, RunFolder run, WorkloadSeries w) throws IOException {
    try (Csv csv = new Csv(file, "client", "time", "seconds", "interval_s", "ops_ok_per_s", "errors", "errors_by_kind",
        "p50_ms", "p95_ms", "p99_ms", "max_ms", "in_flight", "open_connections", "source")) {
      for (var e : w.perClient().entrySet()) {
        for (WorkloadSample s : e.getValue()) {
          csv.row(e.getKey(), iso(s.time()), run.seconds(s.time()), s.intervalSeconds(), s.okPerSecond(),
              s.errorCount(), new java.util.TreeMap<>(s.errors()).toString(), s.p50(), s.p95(), s.p99(), s.max(),
              s.inFlight(), s.openConnections(), s.source());
        }
      }
    }
  }

  static void container(Path file, Resources.ContainerSeries c) throws IOException {
    try (Csv csv = new Csv(file, "time", "seconds", "service", "id", "container", "host", "cpu_percent", "mem_bytes",
        "mem_limit_bytes", "net_rx_bytes", "net_tx_bytes", "blk_read_bytes", "blk_write_bytes",
        "net_rx_bytes_per_s", "net_tx_bytes_per_s", "blk_read_bytes_per_s", "blk_write_bytes_per_s")) {
      for (int i = 0; i < c.samples().size(); i++) {
        StatsRecord s = c.samples().get(i);
        csv.row(iso(s.time()), c.seconds()[i], s.service(), s.id(), s.container(), s.host(), s.cpuPercent(),
            s.memBytes(), s.memLimitBytes(), s.netRxBytes(), s.netTxBytes(), s.blkReadBytes(), s.blkWriteBytes(),
            c.rxRate()[i], c.txRate()[i], c.readRate()[i], c.writeRate()[i]);
      }
    }
  }

  static void host(Path file, Resources.HostSeries h) throws IOException {
    try (Csv csv = new Csv(file, "time", "seconds", "host", "cpu_percent", "cores", "mem_total_bytes",
        "mem_available_bytes", "mem_used_percent", "net_rx_bytes", "net_tx_bytes", "disk_read_bytes",
        "disk_write_bytes", "load1", "net_rx_bytes_per_s", "net_tx_bytes_per_s", "disk_read_bytes_per_s",
        "disk_write_bytes_per_s")) {
      for (int i = 0; i < h.samples().size(); i++) {
        HostStatsRecord s = h.samples().get(i);
        double used = s.memTotalBytes() > 0
            ? 100.0 * (s.memTotalBytes() - s.memAvailableBytes()) / s.memTotalBytes() : Double.NaN;
        csv.row(iso(s.time()), h.seconds()[i], s.host(), s.cpuPercent(), s.cores(), s.memTotalBytes(),
            s.memAvailableBytes(), used, s.netRxBytes(), s.netTxBytes(), s.diskReadBytes(), s.diskWriteBytes(),
            s.load1(), h.rxRate()[i], h.txRate()[i], h.readRate()[i], h.writeRate()[i]);
      }
    }
  }

  static void actions(Path file, TimelineAnalysis timeline) throws IOException {
    try (Csv csv = new Csv(file, "seq", "kind", "action", "fault", "label", "target", "host", "planned", "actual",
        "planned_s", "error_ms", "outcome", "error")) {
      for (ActionFiring a : timeline.actions()) {
        csv.row(a.seq(), a.kind(), a.action(), a.fault(), a.label(), a.target(), a.host(), iso(a.planned()),
            iso(a.actual()), a.plannedSeconds(), a.errorMillis(), a.outcome(), a.error());
      }
    }
  }

  /**
   * The ground-truth labels: one row per injected fault and target container (a fault on two
   * containers gives two rows with the same {@code fault_seq}); failed injections are left out.
   */
  static void labels(Path file, TimelineAnalysis timeline) throws IOException {
    try (Csv csv = new Csv(file, "fault_seq", "type", "label", "service", "fdsl_id", "container", "host", "start",
        "end", "start_s", "end_s", "duration_s", "end_source", "outcome")) {
      for (FaultWindow f : timeline.injectedFaults()) {
        int rows = Math.max(1, Math.max(f.ids().size(), f.containers().size()));
        for (int i = 0; i < rows; i++) {
          csv.row(f.seq(), f.type(), f.label(), f.service(), i < f.ids().size() ? f.ids().get(i) : null,
              i < f.containers().size() ? f.containers().get(i) : null, i < f.hosts().size() ? f.hosts().get(i) : null,
              iso(f.start()), iso(f.end()), f.startSeconds(), f.endSeconds(), f.endSeconds() - f.startSeconds(),
              f.endSource(), f.outcome());
        }
      }
    }
  }
}
