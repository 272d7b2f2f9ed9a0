package dev.reprise.master.experiments;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * An experiment's own guard ({@code safetyThreshold}): when the workload of the target's stack (its
 * per-second traffic lines, as {@code environment.safety} reads them) crosses a value, the
 * experiment is rolled back at once and ends {@link ExperimentState#ABORTED}. Each field may be null
 * (not checked); all null: no guard.
 *
 * @param maxErrorRatePct abort when the error rate over {@code windowSeconds} is above this, in percent (0, 100]
 * @param maxP99LatencyMs abort when the p99 latency over {@code windowSeconds} is above this, in ms (&gt; 0)
 * @param windowSeconds the window both are judged over (default 5)
 */
public record SafetyThreshold(Double maxErrorRatePct, Double maxP99LatencyMs, Integer windowSeconds) {

  public static SafetyThreshold none() {
    return new SafetyThreshold(null, null, null);
  }

  /** Whether no field is checked (not part of the JSON form: {@code master inject --server} sent it as {@code "none"}, which the server refuses). */
  @JsonIgnore
  public boolean isNone() {
    return maxErrorRatePct == null && maxP99LatencyMs == null;
  }
}
