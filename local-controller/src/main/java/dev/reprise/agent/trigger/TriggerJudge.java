package dev.reprise.agent.trigger;

import dev.reprise.fdsl.plan.PlannedTrigger;
import dev.reprise.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Judges one triggered moment's condition ({@link PlannedTrigger}) from what is observed of the
 * run's containers — log lines, containers seen running or ended, workload samples — wherever they
 * come from (one agent's own containers, or every agent's, relayed to the master, which is how a
 * run judges: one judge per trigger, on the master, so counts span hosts). Decides once: the first
 * {@link Verdict} returned is the only one; afterwards every call returns empty.
 *
 * <p>Semantics, on the run's clock ({@code clock}): the condition is a state. A log condition holds
 * once {@code count} distinct containers of the service have each written a matching line (at any
 * time of their log, before T0 too: a node that started up has started up); a running condition
 * while {@code count} containers of the service are running at once; a workload condition at a
 * sample, timed at or after the earliest instant, whose metric crosses the threshold. The moment
 * fires at the first instant, at or after T0 + earliest, at which the condition holds: when it held
 * already, at the {@link #tick()} at the earliest instant; else at the observation that makes it
 * hold ({@code clock.now()} then, so never before the line or sample that matched). At or after
 * T0 + earliest + timeout, a {@link #tick()} decides SKIPPED or FAILED ({@code on_timeout}).
 *
 * <p>Thread-safe (every method is synchronized); never blocks.
 */
public final class TriggerJudge {
  /** What a verdict says. */
  public enum Kind { FIRED, SKIPPED, FAILED }

  /**
   * One observation that made the condition hold.
   *
   * @param time when it happened (the line's or sample's time, or when the container was seen running)
   * @param what the line's text, {@code running}, or the metric's value ({@code throughput=512.0})
   */
  public record Match(String service, Integer id, String container, Instant time, String what) {}

  /**
   * The decision: the moment fires at {@code instant} (its actions fire at once, with that as their
   * planned instant), or it timed out at {@code instant}.
   *
   * @param matches for FIRED, the observations that made it hold (one per container counted, or the sample)
   */
  public record Verdict(int moment, Kind kind, Instant instant, List<Match> matches, String condition) {}

  private final PlannedTrigger trigger;
  private final Instant earliest;
  private final Instant deadline;
  private final Clock clock;
  private final Pattern pattern;
  /** container → its first matching line (log) or its running observation (running), in arrival order. */
  private final Map<String, Match> holding = new LinkedHashMap<>();
  private final Set<String> running = new LinkedHashSet<>();
  private boolean decided;

  public TriggerJudge(PlannedTrigger trigger, Instant t0, Clock clock) {
    this.trigger = trigger;
    this.earliest = t0.plusMillis(trigger.earliestMillis());
    this.deadline = t0.plusMillis(trigger.deadlineMillis());
    this.clock = clock;
    this.pattern = trigger.pattern() == null ? null : Pattern.compile(trigger.pattern());
  }

  public PlannedTrigger trigger() {
    return trigger;
  }

  /** The run's instant at which the condition starts being judged. */
  public Instant earliest() {
    return earliest;
  }

  /** The run's instant at which a condition that has not held times out. */
  public Instant deadline() {
    return deadline;
  }

  /** Whether {@code text} is a line a log trigger on {@code service} counts (agents send only those). */
  public static boolean matches(PlannedTrigger t, String service, String text) {
    return PlannedTrigger.LOG.equals(t.condition()) && t.service().equals(service) && Pattern.compile(t.pattern()).matcher(text).find();
  }

  public synchronized boolean decided() {
    return decided;
  }

  /** A log line of a container; counted once per container for a log trigger on its service. */
  public synchronized Optional<Verdict> logLine(String service, Integer id, String container, Instant lineTime, String text) {
    if (decided || pattern == null || !trigger.service().equals(service) || holding.containsKey(container)) return Optional.empty();
    if (!pattern.matcher(text).find()) return Optional.empty();
    holding.put(container, new Match(service, id, container, lineTime, text));
    return judgeNow();
  }

  /** A container of the run seen running ({@code running}) or ended. */
  public synchronized Optional<Verdict> container(String service, Integer id, String container, boolean isRunning, Instant at) {
    if (decided || !PlannedTrigger.RUNNING.equals(trigger.condition()) || !trigger.service().equals(service)) return Optional.empty();
    if (isRunning) {
      running.add(container);
      holding.putIfAbsent(container, new Match(service, id, container, at, "running"));
    } else {
      running.remove(container);
      holding.remove(container);
    }
    return judgeNow();
  }

  /** A workload sample (one per-second line of one container). */
  public synchronized Optional<Verdict> workload(String service, Integer id, Instant time, long intervalMillis, long ok, long failed,
      Double p99Ms) {
    if (decided || !PlannedTrigger.WORKLOAD.equals(trigger.condition())) return Optional.empty();
    if (trigger.service() != null && !trigger.service().equals(service)) return Optional.empty();
    if (time != null && time.isBefore(earliest)) return Optional.empty();
    Double value = switch (trigger.metric()) {
      case "throughput" -> intervalMillis <= 0 ? null : ok * 1000.0 / intervalMillis;
      case "error_rate" -> ok + failed == 0 ? null : (double) failed / (ok + failed);
      default -> p99Ms;
    };
    if (value == null) return Optional.empty();
    boolean crosses = "above".equals(trigger.comparison()) ? value > trigger.threshold() : value < trigger.threshold();
    if (!crosses) return Optional.empty();
    holding.put(service + "." + id, new Match(service, id, null, time, trigger.metric() + "=" + value));
    return judgeNow();
  }

  /**
   * To be called at the earliest instant and at the deadline (and may be called at any time): fires
   * a condition that already holds once the earliest instant has come, times out one that has not
   * held by the deadline.
   */
  public synchronized Optional<Verdict> tick() {
    if (decided) return Optional.empty();
    var now = clock.now();
    var fired = judgeNow();
    if (fired.isPresent()) return fired;
    if (!now.isBefore(deadline)) {
      decided = true;
      return Optional.of(new Verdict(trigger.moment(), PlannedTrigger.SKIP.equals(trigger.onTimeout()) ? Kind.SKIPPED : Kind.FAILED,
          now, List.of(), trigger.description()));
    }
    return Optional.empty();
  }

  private Optional<Verdict> judgeNow() {
    var now = clock.now();
    if (now.isBefore(earliest) || !now.isBefore(deadline) || !holds()) return Optional.empty();
    decided = true;
    List<Match> matches = new ArrayList<>(holding.values());
    if (trigger.count() != null && matches.size() > trigger.count()) matches = matches.subList(0, trigger.count());
    return Optional.of(new Verdict(trigger.moment(), Kind.FIRED, now, List.copyOf(matches), trigger.description()));
  }

  private boolean holds() {
    return switch (trigger.condition()) {
      case PlannedTrigger.LOG -> holding.size() >= trigger.count();
      case PlannedTrigger.RUNNING -> running.size() >= trigger.count();
      default -> !holding.isEmpty();
    };
  }
}
