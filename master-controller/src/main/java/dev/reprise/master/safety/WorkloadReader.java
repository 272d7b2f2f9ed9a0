package dev.reprise.master.safety;

import dev.reprise.fdsl.model.AbortCondition;
import java.time.Instant;
import java.util.List;

/**
 * Reads one {@link AbortCondition.Workload} condition from the {@link WorkloadWindow} (loop thread
 * only; keeps the throughput reference once the warm-up is over).
 *
 * <p>The window is the last {@code windowMillis} ending at the newest line of the condition's
 * service (the lines' own {@code time}, so a line that arrives late still counts where it belongs):
 * the lines whose time is in {@code (newest − window, newest]}. Whether the workload still answers is
 * judged by arrival instead: when no line of the service arrived in the last {@code windowMillis} of
 * the loop's clock, the condition is unavailable ("no workload lines in the last N s"), not stuck on
 * its last window.
 *
 * <ul>
 *   <li>{@code error_rate}: Σ failed / Σ (ok + failed) over the window; no operation at all in it:
 *       unavailable.
 *   <li>{@code p99_latency}: the largest per-line p99 in the window (ms); no line with a p99 (no
 *       operation succeeded): unavailable.
 *   <li>{@code throughput_drop}: 1 − (successful operations per second over the window ÷ the same over
 *       the warm-up). The warm-up starts where the first line's interval starts and lasts
 *       {@code warmupMillis} (0: one window); it is over once a line ends after it, and its rate is
 *       then fixed for the rest of the run. Until then the condition is "not yet" (no warning). While
 *       the window does not yet span {@code windowMillis} from the first line, the rate is over what
 *       it spans. Successful operations ({@code ok}) are counted, since failures are the error rate's.
 * </ul>
 */
final class WorkloadReader {
  private final AbortCondition.Workload condition;
  private final long warmupMillis;
  private Instant firstStart;
  private Double referencePerSecond;

  WorkloadReader(AbortCondition.Workload condition) {
    this.condition = condition;
    this.warmupMillis = condition.warmupMillis() > 0 ? condition.warmupMillis() : condition.windowMillis();
  }

  /**
   * The earliest line time this condition still needs, given the newest line of all: the window back
   * from there, or, while a throughput warm-up is not over, every line since the warm-up started
   * (a service that sent no line yet needs nothing kept for it).
   */
  Instant keepFrom(Instant newest) {
    Instant windowStart = newest.minusMillis(condition.windowMillis());
    if (condition.metric() == AbortCondition.WorkloadMetric.THROUGHPUT_DROP && referencePerSecond == null
        && firstStart != null && firstStart.isBefore(windowStart)) {
      return firstStart;
    }
    return windowStart;
  }

  Reading read(WorkloadWindow window, long nowNanos) {
    List<WorkloadWindow.Line> lines = window.lines(condition.service());
    String of = condition.service() == null ? "the workload" : "service " + condition.service();
    if (lines.isEmpty()) return new Reading.Unavailable("no workload lines from " + of + " yet");
    if (referencePerSecond == null) {
      for (var line : lines) {
        if (firstStart == null || line.start().isBefore(firstStart)) firstStart = line.start();
      }
    }
    long windowNanos = condition.windowMillis() * 1_000_000L;
    Instant newest = null;
    boolean fresh = false;
    for (var line : lines) {
      if (newest == null || line.time().isAfter(newest)) newest = line.time();
      if (nowNanos - line.arrivalNanos() <= windowNanos) fresh = true;
    }
    if (!fresh) {
      return new Reading.Unavailable("no workload lines from " + of + " in the last " + Texts.seconds(condition.windowMillis()));
    }
    Instant from = newest.minusMillis(condition.windowMillis());
    long ok = 0;
    long failed = 0;
    Double p99 = null;
    int inWindow = 0;
    var containers = new java.util.HashSet<String>();
    for (var line : lines) {
      if (!line.time().isAfter(from) || line.time().isAfter(newest)) continue;
      inWindow++;
      containers.add(line.service() + "." + line.id());
      ok += line.ok();
      failed += line.failed();
      if (line.p99Ms() != null && (p99 == null || line.p99Ms() > p99)) p99 = line.p99Ms();
    }
    String context = SafetyLoop.metricText(condition) + " over " + Texts.seconds(condition.windowMillis()) + ": "
        + inWindow + (inWindow == 1 ? " line" : " lines") + " from " + containers.size()
        + (containers.size() == 1 ? " container" : " containers") + ", the newest at " + newest;
    switch (condition.metric()) {
      case ERROR_RATE: {
        if (ok + failed == 0) {
          return new Reading.Unavailable("no operations in the workload lines from " + of + " in the last "
              + Texts.seconds(condition.windowMillis()));
        }
        double rate = (double) failed / (ok + failed);
        return value(rate, context, newest);
      }
      case P99_LATENCY: {
        if (p99 == null) {
          return new Reading.Unavailable("no successful operation (so no p99) in the workload lines from " + of
              + " in the last " + Texts.seconds(condition.windowMillis()));
        }
        return value(p99, context, newest);
      }
      case THROUGHPUT_DROP: {
        if (referencePerSecond == null) {
          Instant warmupEnd = firstStart.plusMillis(warmupMillis);
          if (!newest.isAfter(warmupEnd)) {
            return new Reading.NotYet("warming up until sample time " + warmupEnd);
          }
          long warmupOk = 0;
          for (var line : lines) {
            if (!line.time().isAfter(warmupEnd)) warmupOk += line.ok();
          }
          referencePerSecond = warmupOk * 1000.0 / warmupMillis;
        }
        if (referencePerSecond == 0) {
          return new Reading.Unavailable("no successful operations from " + of + " during the warm-up (the first "
              + Texts.seconds(warmupMillis) + "), so no reference throughput");
        }
        long spanMillis = Math.min(condition.windowMillis(), newest.toEpochMilli() - firstStart.toEpochMilli());
        double perSecond = ok * 1000.0 / Math.max(1, spanMillis);
        double drop = 1 - perSecond / referencePerSecond;
        return value(drop, context + ": " + Texts.number(perSecond) + " ops/s against " + Texts.number(referencePerSecond)
            + " ops/s over the warm-up", newest);
      }
      default:
        throw new IllegalStateException("unknown workload metric " + condition.metric());
    }
  }

  private Reading value(double value, String context, Instant sampleTime) {
    return new Reading.Value(value, condition.comparison().holds(value, condition.threshold()), context, sampleTime);
  }
}
