package dev.reprise.export;

import java.util.Arrays;
import java.util.List;

/**
 * A run's workload figures on its own, without a baseline run (the run catalog's audit fields; for
 * a run against its baseline see {@link Comparison}). A pure function of the run's workload series
 * and its fault windows; null fields are unknown.
 *
 * <p>Definitions (whole seconds since T0, as {@link WorkloadSeries}):
 * <ul>
 *   <li>pre-fault seconds: the reported seconds that end at or before the first injected fault
 *       (every reported second when the run injected none);</li>
 *   <li>baseline p99: the mean of the per-second p99 latencies of the pre-fault seconds;</li>
 *   <li>peak p99: the highest per-second p99 latency of the whole run;</li>
 *   <li>recovery: from the end of the last fault (its heal, else its planned duration, else its
 *       injection for an instantaneous fault such as a kill) to the start of the first second at or
 *       after it whose throughput is at least 90 % of the pre-fault level (the median throughput of
 *       the pre-fault seconds); 0 when the second the fault ended in is already back. Null without
 *       faults, without pre-fault seconds, or when throughput never came back before the data ends.</li>
 * </ul>
 *
 * @param baselineP99Millis the workload's p99 latency before the first fault (null without p99 lines)
 * @param peakP99Millis the highest per-second p99 (null without p99 lines)
 * @param recoverySeconds see above (null when unknown)
 */
public record RunFigures(Double baselineP99Millis, Double peakP99Millis, Double recoverySeconds) {

  /** Throughput counts as recovered at this fraction of the pre-fault level. */
  public static final double RECOVERED_FRACTION = 0.9;

  public static final RunFigures NONE = new RunFigures(null, null, null);

  /** Reads {@code run}'s workload lines from its logs and its faults from its timeline. */
  public static RunFigures of(RunFolder run) {
    return of(RunComparison.workload(run), TimelineAnalysis.of(run).injectedFaults());
  }

  /** The figures of workload {@code w} with fault windows {@code faults} (any order). */
  public static RunFigures of(WorkloadSeries w, List<FaultWindow> faults) {
    if (!w.present()) return NONE;
    double firstFault = faults.stream().mapToDouble(FaultWindow::startSeconds).min().orElse(Double.POSITIVE_INFINITY);
    double lastEnd = faults.stream().mapToDouble(FaultWindow::endSeconds).max().orElse(Double.NaN);
    double p99Sum = 0;
    int p99N = 0;
    double[] okBefore = new double[w.seconds()];
    int okN = 0;
    Double peak = null;
    for (int k = 0; k < w.seconds(); k++) {
      if (!w.reported(k)) continue;
      double p99 = w.p99()[k];
      if (!Double.isNaN(p99)) peak = peak == null ? p99 : Math.max(peak, p99);
      if (k + 1 <= firstFault) {
        okBefore[okN++] = w.ok()[k];
        if (!Double.isNaN(p99)) {
          p99Sum += p99;
          p99N++;
        }
      }
    }
    Double baseline = p99N > 0 ? round(p99Sum / p99N) : null;
    Double recovery = null;
    if (!Double.isNaN(lastEnd) && okN > 0) {
      Arrays.sort(okBefore, 0, okN);
      double level = okN % 2 == 1 ? okBefore[okN / 2] : (okBefore[okN / 2 - 1] + okBefore[okN / 2]) / 2;
      for (int k = Math.max(0, (int) Math.floor(lastEnd)); k < w.seconds(); k++) {
        if (w.reported(k) && w.ok()[k] >= RECOVERED_FRACTION * level) {
          recovery = round(Math.max(0, k - lastEnd));
          break;
        }
      }
    }
    return new RunFigures(baseline, peak == null ? null : round(peak), recovery);
  }

  private static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
