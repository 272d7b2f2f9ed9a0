package dev.reprise.fdsl.model;

import dev.reprise.fdsl.source.SourcePos;

/**
 * One entry of {@code environment.safety.abort_when}: a condition that, once it holds, aborts the run.
 * Every condition has a {@link #name} (written or derived from what it checks) used in warnings, in
 * {@code run.json} and in the report, and says what happens while its source cannot be read
 * ({@link #ifUnavailable}).
 */
public sealed interface AbortCondition {

  /** What to compare a value against. */
  enum Comparison {
    ABOVE, BELOW;

    public boolean holds(double value, double threshold) {
      return this == ABOVE ? value > threshold : value < threshold;
    }
  }

  /** What to do while a condition's source does not answer (or has no data yet). */
  enum IfUnavailable {
    /** Print a warning when it stops and when it answers again; the condition does not hold meanwhile (the default). */
    WARN,
    /** Treat "cannot tell" as "holds": abort once the source has been unavailable for the condition's {@code for}. */
    ABORT
  }

  /** The metric a {@link Workload} condition reads from the workload's per-second lines. */
  enum WorkloadMetric {
    /** failed / (ok + failed) operations over the window, a fraction in [0, 1]. */
    ERROR_RATE,
    /** the largest per-second p99 latency in the window, ms. */
    P99_LATENCY,
    /** 1 − (ops/s over the window ÷ ops/s over the warm-up), a fraction; negative when throughput rose. */
    THROUGHPUT_DROP
  }

  String name();

  IfUnavailable ifUnavailable();

  /** How long the condition must hold, without a break, before it aborts (0: at the first check where it holds). */
  long forMillis();

  SourcePos pos();

  /**
   * On the workload's live per-second lines ({@code "type":"traffic"}, as the traffic generator
   * writes them), from every container of {@code service} (null: every container that writes them),
   * summed over the last {@code windowMillis}.
   *
   * @param warmupMillis for {@link WorkloadMetric#THROUGHPUT_DROP}: the reference is the throughput
   *     over the first {@code warmupMillis} after the first line (0 for the other metrics)
   */
  record Workload(String name, String service, WorkloadMetric metric, Comparison comparison, double threshold,
      long windowMillis, long warmupMillis, long forMillis, IfUnavailable ifUnavailable, SourcePos pos)
      implements AbortCondition {}

  /**
   * A Prometheus instant query, as an alerting rule's {@code expr}: holds when any sample of the
   * result compares true against the threshold, for {@code forMillis}.
   *
   * @param url the Prometheus server's base URL (the condition's own, else {@link Safety#prometheusUrl()})
   */
  record PrometheusQuery(String name, String url, String query, Comparison comparison, double threshold,
      long forMillis, IfUnavailable ifUnavailable, SourcePos pos) implements AbortCondition {}

  /**
   * An HTTP GET: holds while the endpoint answers a status outside 2xx. A connection error or a
   * timeout is "unavailable" ({@link #ifUnavailable}).
   */
  record HttpCheck(String name, String url, long timeoutMillis, long forMillis, IfUnavailable ifUnavailable,
      SourcePos pos) implements AbortCondition {}
}
