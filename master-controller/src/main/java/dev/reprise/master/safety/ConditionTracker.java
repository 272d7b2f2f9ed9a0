package dev.reprise.master.safety;

import dev.reprise.fdsl.model.AbortCondition;
import dev.reprise.master.run.RunListener.Level;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * The state of one abort condition across checks (loop thread only): OK → HOLDING(since) → TRIPPED,
 * and UNAVAILABLE(since) while its source cannot be read.
 *
 * <p>A check "counts" when the condition holds, or (with {@code if_unavailable: abort}) when its
 * source is unavailable, as "cannot tell" is then taken for "holds". The condition trips at the first
 * check that counts and comes {@code forMillis} or more after the first check of an unbroken run of
 * counting checks (so {@code for: 0} trips at the first check that counts). With
 * {@code if_unavailable: warn} an unavailable source breaks the run.
 *
 * <p>An unavailable episode is told once when it starts ({@code warning: safety: <name>: <why> ...})
 * and once when the source answers again ({@code safety: <name>: answering again}), never per check.
 */
final class ConditionTracker {

  /** The condition tripped at this check. */
  record Trip(Double value, Double threshold, String line, Instant firstHeldAt, Instant sampleTime) {}

  final AbortCondition condition;
  final String name;
  final String kind;
  private Long streakSinceNanos;
  private Instant streakSinceAt;
  private Instant streakSampleTime;
  private boolean unavailable;

  ConditionTracker(AbortCondition condition) {
    this.condition = condition;
    this.name = SafetyLoop.nameOf(condition);
    this.kind = SafetyLoop.kindOf(condition);
  }

  /** Whether the condition is in an unbroken run of counting checks (HOLDING). */
  boolean holding() {
    return streakSinceNanos != null;
  }

  /** Whether its source was unavailable at the last check. */
  boolean unavailable() {
    return unavailable;
  }

  /**
   * Takes the reading of the check made at {@code nowNanos} / {@code now}; returns the trip when the
   * condition trips at this check, else null. Tells unavailable episodes through {@code messages}.
   */
  Trip observe(Reading reading, long nowNanos, Instant now, BiConsumer<Level, String> messages) {
    boolean abortWhenUnavailable = condition.ifUnavailable() == AbortCondition.IfUnavailable.ABORT;
    if (reading instanceof Reading.Unavailable u) {
      String why = u.why();
      if (!unavailable) {
        unavailable = true;
        messages.accept(Level.WARNING, "warning: safety: " + name + ": " + why + (abortWhenUnavailable
            ? " (if_unavailable: abort; the run aborts if this lasts " + Texts.seconds(condition.forMillis()) + ")"
            : " (the condition does not hold meanwhile)"));
      }
      if (!abortWhenUnavailable) {
        breakStreak();
        return null;
      }
      startStreak(nowNanos, now, null);
      if (!due(nowNanos)) return null;
      return new Trip(null, threshold(), "safety: " + name + ": unavailable" + forText() + ": " + why
          + " (if_unavailable: abort)", streakSinceAt, streakSampleTime);
    }
    if (unavailable) {
      unavailable = false;
      messages.accept(Level.INFO, "safety: " + name + ": answering again");
    }
    if (reading instanceof Reading.NotYet) {
      breakStreak();
      return null;
    }
    var v = (Reading.Value) reading;
    if (!v.holds()) {
      breakStreak();
      return null;
    }
    startStreak(nowNanos, now, v.sampleTime());
    if (!due(nowNanos)) return null;
    return new Trip(v.value(), threshold(), "safety: " + name + ": " + figure(v) + forText() + " (" + v.context() + ")",
        streakSinceAt, streakSampleTime);
  }

  private void startStreak(long nowNanos, Instant now, Instant sampleTime) {
    if (streakSinceNanos != null) return;
    streakSinceNanos = nowNanos;
    streakSinceAt = now;
    streakSampleTime = sampleTime;
  }

  private void breakStreak() {
    streakSinceNanos = null;
    streakSinceAt = null;
    streakSampleTime = null;
  }

  private boolean due(long nowNanos) {
    return nowNanos - streakSinceNanos >= condition.forMillis() * 1_000_000L;
  }

  private String forText() {
    return condition.forMillis() > 0 ? " for " + Texts.seconds(condition.forMillis()) : "";
  }

  private Double threshold() {
    if (condition instanceof AbortCondition.Workload w) return w.threshold();
    if (condition instanceof AbortCondition.PrometheusQuery q) return q.threshold();
    return null;
  }

  /** {@code 0.12 above 0.05}, {@code 312 ms above 250 ms}, {@code HTTP 503 (not 2xx)}. */
  private String figure(Reading.Value v) {
    if (condition instanceof AbortCondition.HttpCheck) return "HTTP " + (int) v.value() + " (not 2xx)";
    AbortCondition.Comparison comparison = condition instanceof AbortCondition.Workload w
        ? w.comparison() : ((AbortCondition.PrometheusQuery) condition).comparison();
    String word = " " + comparison.name().toLowerCase(java.util.Locale.ROOT) + " ";
    if (condition instanceof AbortCondition.Workload w) {
      if (w.metric() == AbortCondition.WorkloadMetric.P99_LATENCY) {
        return Texts.number(v.value()) + " ms" + word + Texts.number(threshold()) + " ms";
      }
      // error rate and throughput drop are fractions: written as the scenario writes them, in percent
      return Texts.number(100 * v.value()) + "%" + word + Texts.number(100 * threshold()) + "%";
    }
    return Texts.number(v.value()) + word + Texts.number(threshold());
  }
}
