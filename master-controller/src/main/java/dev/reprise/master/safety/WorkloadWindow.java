package dev.reprise.master.safety;

import dev.reprise.agent.protocol.AgentMessage;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The workload's per-second lines as the safety loop keeps them: per container ({@code service},
 * {@code id}), ordered by the lines' own {@code time}.
 *
 * <p>Threads: {@link #offer} is called on the run's coordinator thread and only appends to a
 * lock-free inbox (bounded: past {@value #INBOX_CAP} waiting lines new ones are dropped and
 * counted, which only happens when the loop does not drain). Everything else is called on the loop's own
 * thread: {@link #drain} moves the inbox into the per-container lists.
 */
final class WorkloadWindow {
  static final int INBOX_CAP = 100_000;
  /** Lines kept beyond the longest retention asked: containers' lines are not exactly aligned. */
  static final long PRUNE_MARGIN_MILLIS = 10_000;

  /**
   * One line.
   *
   * @param time the end of the interval it covers, on the run's clock
   * @param arrivalNanos when the master received it, on the loop's monotonic clock
   */
  record Line(String service, int id, Instant time, long intervalMillis, long ok, long failed, Double p99Ms,
      long arrivalNanos) {
    Instant start() {
      return time.minusMillis(intervalMillis);
    }

    long ops() {
      return ok + failed;
    }
  }

  private final ConcurrentLinkedQueue<Line> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inboxSize = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();
  private final Map<String, ArrayDeque<Line>> byContainer = new LinkedHashMap<>();

  /**
   * Takes one line (any thread, never blocks). Missing fields read as: time = {@code arrivalWall},
   * interval = 1 s, counts = 0, service = "?".
   */
  void offer(AgentMessage.WorkloadSample s, long arrivalNanos, Instant arrivalWall) {
    if (inboxSize.incrementAndGet() > INBOX_CAP) {
      inboxSize.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    inbox.add(new Line(s.service() != null ? s.service() : "?", s.id() != null ? s.id() : 0,
        s.time() != null ? s.time() : arrivalWall,
        s.intervalMillis() != null && s.intervalMillis() > 0 ? s.intervalMillis() : 1_000,
        s.ok() != null ? Math.max(0, s.ok()) : 0, s.failed() != null ? Math.max(0, s.failed()) : 0,
        s.p99Ms(), arrivalNanos));
  }

  /** Lines dropped because the inbox was full. */
  int dropped() {
    return dropped.get();
  }

  /** Moves every waiting line into its container's list, in time order (loop thread). */
  void drain() {
    Line line;
    while ((line = inbox.poll()) != null) {
      inboxSize.decrementAndGet();
      var lines = byContainer.computeIfAbsent(line.service() + "\u0000" + line.id(), k -> new ArrayDeque<>());
      if (lines.isEmpty() || !line.time().isBefore(lines.peekLast().time())) {
        lines.addLast(line);
      } else {
        // a late line: rare, so a rebuild of this one container's list is fine
        var all = new ArrayList<>(lines);
        int at = all.size();
        while (at > 0 && all.get(at - 1).time().isAfter(line.time())) at--;
        all.add(at, line);
        lines.clear();
        lines.addAll(all);
      }
    }
  }

  /** Every kept line of {@code service} (null: of every service), container by container (loop thread). */
  List<Line> lines(String service) {
    var out = new ArrayList<Line>();
    byContainer.values().forEach(lines -> {
      if (!lines.isEmpty() && (service == null || Objects.equals(service, lines.peekFirst().service()))) out.addAll(lines);
    });
    return out;
  }

  /** Number of kept lines (loop thread; for tests of the memory bound). */
  int size() {
    return byContainer.values().stream().mapToInt(ArrayDeque::size).sum();
  }

  /** The time of the newest kept line of all, or null when none is kept (loop thread). */
  Instant newest() {
    Instant newest = null;
    for (var lines : byContainer.values()) {
      if (!lines.isEmpty() && (newest == null || lines.peekLast().time().isAfter(newest))) newest = lines.peekLast().time();
    }
    return newest;
  }

  /**
   * Drops the lines that ended before {@code keepFrom} minus {@link #PRUNE_MARGIN_MILLIS} (loop
   * thread); the margin is for containers whose lines are not exactly aligned or arrive late.
   */
  void pruneBefore(Instant keepFrom) {
    Instant cut = keepFrom.minusMillis(PRUNE_MARGIN_MILLIS);
    for (Iterator<ArrayDeque<Line>> it = byContainer.values().iterator(); it.hasNext(); ) {
      var lines = it.next();
      while (!lines.isEmpty() && lines.peekFirst().time().isBefore(cut)) lines.pollFirst();
      if (lines.isEmpty()) it.remove();
    }
  }
}
