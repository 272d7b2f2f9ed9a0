package dev.reprise.export;

import dev.reprise.fdsl.record.HostStatsRecord;
import dev.reprise.fdsl.record.StatsRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resource samples grouped per container and per host, with network and disk rates derived from
 * the cumulative counters (bytes per second between consecutive samples; NaN for the first sample
 * and where a counter went backwards, i.e. the container restarted).
 */
final class Resources {
  /** One container's samples in time order. */
  record ContainerSeries(String key, String service, Integer id, String container, String host,
      List<StatsRecord> samples, double[] seconds, double[] rxRate, double[] txRate, double[] readRate,
      double[] writeRate) {}

  /** One host's samples in time order. */
  record HostSeries(String host, List<HostStatsRecord> samples, double[] seconds, double[] rxRate, double[] txRate,
      double[] readRate, double[] writeRate) {}

  final Map<String, ContainerSeries> containers;
  final Map<String, HostSeries> hosts;

  Resources(RunFolder run) {
    Map<String, List<StatsRecord>> byContainer = new LinkedHashMap<>();
    for (StatsRecord s : run.stats()) {
      byContainer.computeIfAbsent(key(s), k -> new ArrayList<>()).add(s);
    }
    Map<String, ContainerSeries> cs = new TreeMap<>();
    byContainer.forEach((key, list) -> {
      int n = list.size();
      double[] sec = new double[n];
      double[] rx = new double[n];
      double[] tx = new double[n];
      double[] rd = new double[n];
      double[] wr = new double[n];
      for (int i = 0; i < n; i++) {
        StatsRecord s = list.get(i);
        sec[i] = run.seconds(s.time());
        if (i == 0) {
          rx[i] = tx[i] = rd[i] = wr[i] = Double.NaN;
          continue;
        }
        StatsRecord p = list.get(i - 1);
        double dt = sec[i] - sec[i - 1];
        rx[i] = rate(p.netRxBytes(), s.netRxBytes(), dt);
        tx[i] = rate(p.netTxBytes(), s.netTxBytes(), dt);
        rd[i] = rate(p.blkReadBytes(), s.blkReadBytes(), dt);
        wr[i] = rate(p.blkWriteBytes(), s.blkWriteBytes(), dt);
      }
      StatsRecord first = list.get(0);
      cs.put(key, new ContainerSeries(key, first.service(), first.id(), first.container(), first.host(),
          List.copyOf(list), sec, rx, tx, rd, wr));
    });
    containers = Collections.unmodifiableMap(cs);
    Map<String, List<HostStatsRecord>> byHost = new LinkedHashMap<>();
    for (HostStatsRecord h : run.hostStats()) {
      byHost.computeIfAbsent(h.host() == null ? "?" : h.host(), k -> new ArrayList<>()).add(h);
    }
    Map<String, HostSeries> hs = new TreeMap<>();
    byHost.forEach((host, list) -> {
      int n = list.size();
      double[] sec = new double[n];
      double[] rx = new double[n];
      double[] tx = new double[n];
      double[] rd = new double[n];
      double[] wr = new double[n];
      for (int i = 0; i < n; i++) {
        HostStatsRecord s = list.get(i);
        sec[i] = run.seconds(s.time());
        if (i == 0) {
          rx[i] = tx[i] = rd[i] = wr[i] = Double.NaN;
          continue;
        }
        HostStatsRecord p = list.get(i - 1);
        double dt = sec[i] - sec[i - 1];
        rx[i] = rate(p.netRxBytes(), s.netRxBytes(), dt);
        tx[i] = rate(p.netTxBytes(), s.netTxBytes(), dt);
        rd[i] = rate(p.diskReadBytes(), s.diskReadBytes(), dt);
        wr[i] = rate(p.diskWriteBytes(), s.diskWriteBytes(), dt);
      }
      hs.put(host, new HostSeries(host, List.copyOf(list), sec, rx, tx, rd, wr));
    });
    hosts = Collections.unmodifiableMap(hs);
  }

  /** {@code service.id}, or {@code service.<short container id>} when the FDSL ID is unknown. */
  static String key(StatsRecord s) {
    String service = s.service() == null ? "?" : s.service();
    if (s.id() != null) {
      return service + "." + s.id();
    }
    String c = s.container() == null ? "?" : s.container();
    return service + "." + c.substring(0, Math.min(12, c.length()));
  }

  private static double rate(long before, long after, double dt) {
    if (dt <= 0 || after < before) {
      return Double.NaN;
    }
    return (after - before) / dt;
  }
}
