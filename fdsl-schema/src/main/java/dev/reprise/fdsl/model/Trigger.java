package dev.reprise.fdsl.model;

import dev.reprise.fdsl.source.SourcePos;
import java.util.regex.Pattern;

/**
 * A moment's {@code when:}: the state of the system that fires the moment, with how long to wait for
 * it. The moment's {@code time:} (0 when absent) is the earliest instant the condition is judged
 * from; the moment fires at the first instant, from then on, at which the condition holds, or, when
 * {@link #timeoutMillis} after the earliest instant it has not held, it is skipped or fails the run
 * ({@link #onTimeout}).
 *
 * @param condition what must hold
 * @param timeoutMillis how long after the earliest instant to wait, more than 0
 * @param onTimeout what a condition that never held does
 * @param pos where {@code when:} is written
 */
public record Trigger(Condition condition, long timeoutMillis, OnTimeout onTimeout, SourcePos pos) {

  public Trigger {
    if (timeoutMillis <= 0) throw new IllegalArgumentException("timeoutMillis must be > 0");
  }

  /** What a trigger that has not fired by its timeout does. */
  public enum OnTimeout {
    /** The moment's actions are not fired; the run goes on. */
    SKIP,
    /** The run fails at the timeout (every fault healed, exit 1), as an abort does. */
    FAIL;

    public String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The metric a {@link Workload} trigger reads from each per-second workload line. */
  public enum Metric {
    /** operations that succeeded in the line's interval, per second. */
    THROUGHPUT,
    /** failed / (ok + failed) in the line's interval, a fraction. */
    ERROR_RATE,
    /** the line's p99 latency, ms. */
    P99_LATENCY;

    public String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A condition on one service's containers or on the workload's lines. */
  public sealed interface Condition permits Log, Running, Workload {
    /** The service it is about; null for a workload condition on every workload line. */
    String service();

    /** Where the service is named. */
    SourcePos servicePos();
  }

  /**
   * Holds once {@code count} distinct containers of {@code service} have each written a log line
   * (stdout or stderr) matching {@code pattern} ({@link Pattern#find()}: anywhere in the line).
   *
   * @param count how many containers; null: all (every container of the service expected alive at
   *     that point of the plan)
   */
  public record Log(String service, String pattern, Integer count, SourcePos servicePos, SourcePos countPos)
      implements Condition {}

  /**
   * Holds once {@code count} containers of {@code service} are running at once (null: all, as for
   * {@link Log}).
   */
  public record Running(String service, Integer count, SourcePos servicePos, SourcePos countPos) implements Condition {}

  /**
   * Holds at the first workload line (the {@code {"type":"traffic",…}} per-second lines) of a
   * container of {@code service} (null: of any container) whose {@code metric} compares true
   * against {@code threshold} (a fraction for error_rate, ms for p99_latency, ops/s for throughput).
   *
   * @param thresholdText the threshold as the user reads it ({@code 0.5%}, {@code 200ms}, {@code 100/s})
   */
  public record Workload(String service, Metric metric, AbortCondition.Comparison comparison, double threshold,
      String thresholdText, SourcePos servicePos) implements Condition {}
}
