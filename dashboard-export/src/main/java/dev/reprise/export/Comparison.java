package dev.reprise.export;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fault run against its baseline: summary metrics of both, the anomaly windows of the run and
 * the recovery time of every fault. A pure function of the two workload series, the run's faults
 * and the {@link Thresholds}; JSON-ready (no NaN: unknown values are null).
 *
 * <p>Definitions (seconds are whole seconds since each run's own T0, so both runs share one axis):
 * <ul>
 *   <li>reference throughput: the median of the baseline's per-second throughput after the warm-up;</li>
 *   <li>second k of the run is anomalous when k ≥ warm-up, k is not after the run's last reported
 *       second, and either its throughput is below (1 − drop) × reference (a second no client
 *       reported counts as 0) or its error rate exceeds the error threshold;</li>
 *   <li>anomaly windows: maximal runs of anomalous seconds, [from, to) with to exclusive, kept when
 *       at least {@code minAnomalySeconds} long;</li>
 *   <li>recovery of fault i: from its injection to the end of the last anomaly window that overlaps
 *       [injection of i, the whole second of the next fault's injection) — 0 when none does; unrecovered (null) when
 *       that window lasts until the end of the run's data.</li>
 * </ul>
 */
public record Comparison(
    String baseline,
    String run,
    Thresholds thresholds,
    Double referenceThroughput,
    Summary baselineSummary,
    Summary runSummary,
    List<AnomalyWindow> anomalies,
    List<Recovery> recoveries) {

  public Comparison {
    anomalies = List.copyOf(anomalies);
    recoveries = List.copyOf(recoveries);
  }

  /**
   * One run's metrics over its reported seconds after the warm-up; null when it reported none.
   *
   * @param throughput mean successful operations per second
   * @param errorRate all errors / all operations (ok + errors)
   * @param p50 mean of the per-second p50 latencies in ms (also p95, p99)
   */
  public record Summary(Integer seconds, Double throughput, Double errorRate, Double p50, Double p95, Double p99) {}

  /** Anomalous seconds [from, to); {@code reason} is {@code throughput}, {@code errors} or {@code throughput+errors}. */
  public record AnomalyWindow(int from, int to, String reason) {
    public int length() {
      return to - from;
    }
  }

  /**
   * @param injectedAt the fault's injection, seconds since T0
   * @param recoveredAt end of the last anomalous second attributed to it (null: not recovered by the end of the data)
   * @param recoverySeconds recoveredAt − injectedAt; 0 when no anomaly followed; null when not recovered
   * @param anomalousSeconds anomalous seconds attributed to it
   */
  public record Recovery(int seq, String fault, String label, String service, double injectedAt, Double recoveredAt,
      Double recoverySeconds, boolean recovered, int anomalousSeconds) {}

  /** Compares {@code run} with {@code baseline}; {@code faults} are the run's, in any order. */
  public static Comparison of(String baselineName, WorkloadSeries baseline, String runName, WorkloadSeries run,
      List<FaultWindow> faults, Thresholds t) {
    int warm = (int) Math.ceil(t.warmupSeconds());
    Summary bs = summary(baseline, warm);
    Summary rs = summary(run, warm);
    Double reference = median(baseline, warm);
    int last = -1;
    for (int k = run.seconds() - 1; k >= 0; k--) {
      if (run.reported(k)) {
        last = k;
        break;
      }
    }
    int end = last + 1; // analysed range [warm, end)
    boolean[] drop = new boolean[Math.max(0, end)];
    boolean[] err = new boolean[Math.max(0, end)];
    for (int k = warm; k < end; k++) {
      double ok = run.reported(k) ? run.ok()[k] : 0;
      drop[k] = reference != null && ok < reference * (1 - t.dropFraction());
      double rate = run.errorRate(k);
      err[k] = !Double.isNaN(rate) && rate > t.errorRate();
    }
    List<AnomalyWindow> windows = new ArrayList<>();
    int k = Math.max(0, warm);
    while (k < end) {
      if (!drop[k] && !err[k]) {
        k++;
        continue;
      }
      int from = k;
      boolean anyDrop = false;
      boolean anyErr = false;
      while (k < end && (drop[k] || err[k])) {
        anyDrop |= drop[k];
        anyErr |= err[k];
        k++;
      }
      if (k - from >= t.minAnomalySeconds()) {
        windows.add(new AnomalyWindow(from, k, anyDrop && anyErr ? "throughput+errors" : anyDrop ? "throughput" : "errors"));
      }
    }
    List<FaultWindow> sorted = new ArrayList<>(faults);
    sorted.sort((a, b) -> Double.compare(a.startSeconds(), b.startSeconds()));
    List<Recovery> recoveries = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      FaultWindow f = sorted.get(i);
      double from = f.startSeconds();
      // the second in which the next fault is injected already belongs to the next fault
      double until = i + 1 < sorted.size() ? Math.floor(sorted.get(i + 1).startSeconds()) : Double.POSITIVE_INFINITY;
      AnomalyWindow lastWindow = null;
      int anomalous = 0;
      for (AnomalyWindow w : windows) {
        if (w.to() > from && w.from() < until) {
          lastWindow = w;
          anomalous += (int) (Math.min(w.to(), until) - Math.max(w.from(), Math.floor(from)));
        }
      }
      if (lastWindow == null) {
        recoveries.add(new Recovery(f.seq(), f.type(), f.label(), f.service(), from, from, 0.0, true, 0));
      } else if (lastWindow.to() >= end) {
        recoveries.add(new Recovery(f.seq(), f.type(), f.label(), f.service(), from, null, null, false, anomalous));
      } else {
        recoveries.add(new Recovery(f.seq(), f.type(), f.label(), f.service(), from, (double) lastWindow.to(),
            round(lastWindow.to() - from), true, anomalous));
      }
    }
    return new Comparison(baselineName, runName, t, reference, bs, rs, windows, recoveries);
  }

  /**
   * The deepest drop of {@code run}'s throughput below {@code reference}, as a fraction of it, over
   * the seconds {@link #of} analyses: after the warm-up up to the run's last reported second, a
   * second no client reported counting as 0 ops/s. Null without a positive reference or without
   * reported seconds after the warm-up.
   */
  public static Double throughputDip(WorkloadSeries run, Double reference, Thresholds t) {
    if (reference == null || reference <= 0) {
      return null;
    }
    int last = -1;
    for (int k = run.seconds() - 1; k >= 0; k--) {
      if (run.reported(k)) {
        last = k;
        break;
      }
    }
    int warm = (int) Math.ceil(t.warmupSeconds());
    if (last < warm) {
      return null;
    }
    double min = Double.POSITIVE_INFINITY;
    for (int k = warm; k <= last; k++) {
      min = Math.min(min, run.reported(k) ? run.ok()[k] : 0);
    }
    return Math.max(0, (reference - min) / reference);
  }

  private static Summary summary(WorkloadSeries w, int warm) {
    int n = 0;
    double ok = 0;
    double errors = 0;
    double[] lat = new double[3];
    int[] latN = new int[3];
    for (int k = Math.max(0, warm); k < w.seconds(); k++) {
      if (!w.reported(k)) {
        continue;
      }
      n++;
      ok += w.ok()[k];
      errors += w.errors()[k];
      double[] l = {w.p50()[k], w.p95()[k], w.p99()[k]};
      for (int i = 0; i < 3; i++) {
        if (!Double.isNaN(l[i])) {
          lat[i] += l[i];
          latN[i]++;
        }
      }
    }
    if (n == 0) {
      return new Summary(0, null, null, null, null, null);
    }
    return new Summary(n, round(ok / n), ok + errors > 0 ? round(errors / (ok + errors)) : 0.0,
        latN[0] > 0 ? round(lat[0] / latN[0]) : null, latN[1] > 0 ? round(lat[1] / latN[1]) : null,
        latN[2] > 0 ? round(lat[2] / latN[2]) : null);
  }

  private static Double median(WorkloadSeries w, int warm) {
    double[] v = new double[w.seconds()];
    int n = 0;
    for (int k = Math.max(0, warm); k < w.seconds(); k++) {
      if (w.reported(k)) {
        v[n++] = w.ok()[k];
      }
    }
    if (n == 0) {
      return null;
    }
    Arrays.sort(v, 0, n);
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
