package dev.reprise.export;

import dev.reprise.fdsl.model.Budget;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A comparison judged against the scenario's budgets ({@code environment.expect}): each budget with
 * the value measured and whether it was met. A budget whose figure could not be measured (no fault
 * to recover from, no baseline throughput, a workload that did not verify writes) is
 * {@link Status#UNKNOWN} and counts as a miss: an unverified RTO/RPO is not a met one. A pure
 * function of its inputs; JSON-ready.
 *
 * @param judged false when there were no budgets (then {@code passed} is true)
 * @param passed every budget met
 * @param checks one per budget, in the scenario's order
 */
public record Verdict(boolean judged, boolean passed, List<Check> checks) {
  public Verdict {
    checks = List.copyOf(checks);
  }

  public enum Status { PASS, FAIL, UNKNOWN }

  /**
   * @param budget as written in the scenario
   * @param metric the metric's FDSL word
   * @param limit the limit in the metric's unit (seconds, fraction, ms, count; null for data_loss)
   * @param measured the measured value in the same unit (null when not measured)
   * @param measuredText the measured value for people ({@code 7.8 s}, {@code 0.31%}, {@code not recovered})
   * @param status met, missed, or not measured
   * @param note why it is unknown, or which fault missed; null otherwise
   */
  public record Check(String budget, String metric, Double limit, Double measured, String measuredText, Status status,
      String note) {}

  /** How many budgets were not met (failed or unknown). */
  public long misses() {
    return checks.stream().filter(c -> c.status() != Status.PASS).count();
  }

  /**
   * Judges {@code c} against {@code budgets}.
   *
   * @param throughputDip the deepest one-second drop below the baseline's median as a fraction (null: unknown)
   * @param loss what the workload's write verification found
   */
  public static Verdict of(List<Budget> budgets, Comparison c, Double throughputDip, DataLoss loss) {
    var checks = new ArrayList<Check>();
    for (Budget b : budgets) checks.add(check(b, c, throughputDip, loss));
    boolean passed = checks.stream().allMatch(k -> k.status() == Status.PASS);
    return new Verdict(!budgets.isEmpty(), passed, checks);
  }

  private static Check check(Budget b, Comparison c, Double dip, DataLoss loss) {
    String w = b.metric().word();
    switch (b.metric()) {
      case RECOVERY_SECONDS -> {
        if (c.recoveries().isEmpty()) return unknown(b, "the run injected no fault to recover from");
        if (c.runSummary().throughput() == null || c.referenceThroughput() == null) {
          return unknown(b, "no workload lines in the run or its baseline to measure a recovery with");
        }
        Comparison.Recovery worst = null;
        for (Comparison.Recovery r : c.recoveries()) {
          if (!r.recovered()) {
            return new Check(b.text(), w, b.limit(), null, "not recovered", Status.FAIL,
                "fault " + r.seq() + " (" + r.label() + " on " + r.service() + ") did not recover by the end of the run");
          }
          if (worst == null || r.recoverySeconds() > worst.recoverySeconds()) worst = r;
        }
        return judged(b, worst.recoverySeconds(), seconds(worst.recoverySeconds()),
            c.recoveries().size() > 1 ? "the longest: fault " + worst.seq() + " (" + worst.label() + " on " + worst.service() + ")" : null);
      }
      case ERROR_RATE -> {
        Double v = c.runSummary().errorRate();
        return v == null ? unknown(b, "the run reported no workload") : judged(b, v, percent(v), null);
      }
      case THROUGHPUT_DIP -> {
        return dip == null ? unknown(b, "no baseline throughput or no run workload to measure a dip against")
            : judged(b, dip, percent(dip), null);
      }
      case P50_LATENCY, P95_LATENCY, P99_LATENCY -> {
        Comparison.Summary s = c.runSummary();
        Double v = b.metric() == Budget.Metric.P50_LATENCY ? s.p50() : b.metric() == Budget.Metric.P95_LATENCY ? s.p95() : s.p99();
        return v == null ? unknown(b, "the workload reported no " + w.substring(0, 3) + " latency") : judged(b, v, millis(v), null);
      }
      case DATA_LOSS -> {
        if (loss.detected() == null) return unknown(b, NOT_VERIFIED);
        String text = loss.writesLost() != null ? loss.writesLost() + " acknowledged write(s) lost" : loss.detected() ? "writes lost" : "none lost";
        return new Check(b.text(), w, null, loss.writesLost() == null ? null : (double) loss.writesLost(), text,
            loss.detected() ? Status.FAIL : Status.PASS, null);
      }
      case WRITES_LOST -> {
        if (loss.writesLost() == null) return unknown(b, NOT_VERIFIED);
        return judged(b, (double) loss.writesLost(), Long.toString(loss.writesLost()), null);
      }
      default -> throw new IllegalStateException("no check for " + b.metric());
    }
  }

  static final String NOT_VERIFIED = "the workload did not verify its writes (run traffic-gen with --verify-writes)";

  private static Check judged(Budget b, double measured, String text, String note) {
    return new Check(b.text(), b.metric().word(), b.limit(), measured, text, b.op().holds(measured, b.limit()) ? Status.PASS : Status.FAIL, note);
  }

  private static Check unknown(Budget b, String why) {
    return new Check(b.text(), b.metric().word(), b.op() == null ? null : b.limit(), null, "not measured", Status.UNKNOWN, why);
  }

  static String seconds(double v) {
    return String.format(Locale.ROOT, "%.1f s", v);
  }

  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
  }

  static String millis(double v) {
    return String.format(Locale.ROOT, "%.1f ms", v);
  }
}
