package dev.reprise.fdsl.model;

import dev.reprise.fdsl.source.SourcePos;
import java.util.List;

/**
 * The {@code environment.safety} section (extension): the guardrails of a run.
 *
 * @param maxFaultDurationMillis the longest any lasting fault may last; a fault whose {@code duration}
 *     is longer, or that has none, is planned to heal at this cap (so each agent enforces it through
 *     the fault's own TTL, with or without the master). Null: no cap
 * @param maxAffected blast-radius caps, checked by the planner against the expected alive set at every
 *     moment; empty: no cap
 * @param abortWhen conditions the master's safety loop checks every {@code checkIntervalMillis} while
 *     the run lasts; the first that holds aborts the run (every fault healed on every host)
 * @param prometheusUrl base URL of the Prometheus server that {@link AbortCondition.PrometheusQuery}
 *     conditions ask ({@code http://127.0.0.1:9090}); null when none is configured
 * @param checkIntervalMillis how often the conditions are evaluated (default {@value #DEFAULT_CHECK_INTERVAL_MILLIS})
 * @param pos where the section starts
 */
public record Safety(
    Long maxFaultDurationMillis,
    List<MaxAffected> maxAffected,
    List<AbortCondition> abortWhen,
    String prometheusUrl,
    long checkIntervalMillis,
    SourcePos pos) {

  public static final long DEFAULT_CHECK_INTERVAL_MILLIS = 1_000;

  public Safety {
    maxAffected = List.copyOf(maxAffected);
    abortWhen = List.copyOf(abortWhen);
  }

  /** No guardrails: what a scenario without {@code environment.safety} gets. */
  public static Safety none() {
    return new Safety(null, List.of(), List.of(), null, DEFAULT_CHECK_INTERVAL_MILLIS, SourcePos.NONE);
  }

  public boolean isEmpty() {
    return maxFaultDurationMillis == null && maxAffected.isEmpty() && abortWhen.isEmpty();
  }

  /**
   * One blast-radius cap: at no instant may more than {@code count} (or {@code fraction} of the
   * containers alive in the scope) be under a fault or dead (killed or stopped by the scenario).
   *
   * @param service the service it applies to; null: all containers of the run together
   * @param count the cap as a number of containers, or null
   * @param fraction the cap as a fraction in (0, 1] of the scope's containers at T0, or null
   *     (exactly one of {@code count} and {@code fraction} is set)
   * @param pos where the cap is written
   */
  public record MaxAffected(String service, Integer count, Double fraction, SourcePos pos) {
    /** The cap as a number of containers, for a scope of {@code scopeSize} containers (a fraction rounds down). */
    public int capFor(int scopeSize) {
      return count != null ? count : (int) Math.floor(fraction * scopeSize + 1e-9);
    }
  }
}
