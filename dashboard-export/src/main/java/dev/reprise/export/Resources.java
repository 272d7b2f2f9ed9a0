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
      Rates r = rates(run, list, StatsRecord::time, StatsRecord::netRxBytes, StatsRecord::netTxBytes,
          StatsRecord::blkReadBytes, StatsRecord::blkWriteBytes);
      StatsRecord first = list.get(0);
      cs.put(key, new ContainerSeries(key, first.service(), first.id(), first.container(), first.host(),
          List.copyOf(list), r.sec, r.rx, r.tx, r.rd, r.wr));
    });
    containers = Collections.unmodifiableMap(cs);
    Map<String, List<HostStatsRecord>> byHost = new LinkedHashMap<>();
    for (HostStatsRecord h : run.hostStats()) {
      byHost.computeIfAbsent(h.host() == null ? "?" : h.host(), k -> new ArrayList<>()).add(h);
    }
    Map<String, HostSeries> hs = new TreeMap<>();
    byHost.forEach((host, list) -> {
      Rates r = rates(run, list, HostStatsRecord::time, HostStatsRecord::netRxBytes, HostStatsRecord::netTxBytes,
          HostStatsRecord::diskReadBytes, HostStatsRecord::diskWriteBytes);
      hs.put(host, new HostSeries(host, List.copyOf(list), r.sec, r.rx, r.tx, r.rd, r.wr));
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

  /** Seconds since T0 and per-second rates of four cumulative byte counters (NaN at the first sample). */
  private record Rates(double[] sec, double[] rx, double[] tx, double[] rd, double[] wr) {}

  private static <T> Rates rates(RunFolder run, List<T> list, java.util.function.Function<T, java.time.Instant> time,
      java.util.function.ToLongFunction<T> rxBytes, java.util.function.ToLongFunction<T> txBytes,
      java.util.function.ToLongFunction<T> readBytes, java.util.function.ToLongFunction<T> writeBytes) {
    int n = list.size();
    var r = new Rates(new double[n], new double[n], new double[n], new double[n], new double[n]);
    for (int i = 0; i < n; i++) {
      T s = list.get(i);
      r.sec[i] = run.seconds(time.apply(s));
      if (i == 0) {
        r.rx[i] = r.tx[i] = r.rd[i] = r.wr[i] = Double.NaN;
        continue;
      }
      T p = list.get(i - 1);
      double dt = r.sec[i] - r.sec[i - 1];
      r.rx[i] = rate(rxBytes.applyAsLong(p), rxBytes.applyAsLong(s), dt);
      r.tx[i] = rate(txBytes.applyAsLong(p), txBytes.applyAsLong(s), dt);
      r.rd[i] = rate(readBytes.applyAsLong(p), readBytes.applyAsLong(s), dt);
      r.wr[i] = rate(writeBytes.applyAsLong(p), writeBytes.applyAsLong(s), dt);
    }
    return r;
  }
}
