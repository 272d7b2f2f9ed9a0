package dev.reprise.fdsl.plan;

import dev.reprise.fdsl.model.Safety;
import dev.reprise.fdsl.source.Problems;
import dev.reprise.fdsl.source.SourcePos;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;

/**
 * Checks {@code environment.safety.max_affected} while the planner walks the timeline: a sweep over
 * the starts and ends of lasting faults, against the planner's own alive sets (read, never copied).
 *
 * <p>A container is <em>affected</em> at an instant while a fault with a duration covers it
 * ({@code [offset, offset + duration)}; a fault's own target groups, e.g. a partition's peers, do not
 * count) or while it is <em>dead</em>: a service has {@code max(0, beginning − alive)} dead containers,
 * so a container started later makes up for one killed or stopped. Instantaneous faults (kill and
 * signal as such, a custom script without a cap, a restart with no down time) affect nobody beyond
 * the deaths they cause. The count is taken after every stop and fault, in plan order; each cap is
 * reported once, at the first event that takes its scope above it. Not thread-safe; one per plan.
 */
final class BlastRadius {
  private record Ending(long atMillis, long order, String service, List<Integer> ids) {}

  private final List<Safety.MaxAffected> caps;
  private final boolean[] reported;
  private final Map<String, Integer> beginning;
  private final int beginningTotal;
  private final Map<String, TreeSet<Integer>> alive;
  /** service → alive container ID → how many lasting faults cover it now (entries at 0 are removed). */
  private final Map<String, Map<Integer, Integer>> covered = new HashMap<>();
  private final Map<String, Integer> affected = new HashMap<>();
  private int affectedTotal;
  private final PriorityQueue<Ending> endings =
      new PriorityQueue<>(Comparator.comparingLong(Ending::atMillis).thenComparingLong(Ending::order));
  private long endingOrder;

  /**
   * @param alive the planner's live sets, service → alive IDs, which it keeps updating
   */
  BlastRadius(List<Safety.MaxAffected> caps, Map<String, Integer> beginning, Map<String, TreeSet<Integer>> alive) {
    this.caps = caps;
    this.reported = new boolean[caps.size()];
    this.beginning = beginning;
    this.beginningTotal = beginning.values().stream().mapToInt(Integer::intValue).sum();
    this.alive = alive;
  }

  boolean enabled() {
    return !caps.isEmpty();
  }

  /** Ends every lasting fault due at or before {@code t} (an end at {@code t} is over by then). */
  void advanceTo(long t) {
    while (!endings.isEmpty() && endings.peek().atMillis() <= t) {
      var e = endings.poll();
      var ids = covered.get(e.service());
      if (ids != null) {
        for (int id : e.ids()) ids.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1); // a dead one is gone already
      }
      recount(e.service());
    }
  }

  /** {@code ids} of {@code service} are under a fault lasting {@code durationMillis} from {@code t} (0: instantaneous). */
  void faulted(String service, List<Integer> ids, long t, long durationMillis) {
    if (durationMillis > 0 && !ids.isEmpty()) {
      var c = covered.computeIfAbsent(service, s -> new HashMap<>());
      for (int id : ids) c.merge(id, 1, Integer::sum);
      endings.add(new Ending(t + durationMillis, endingOrder++, service, ids));
    }
    recount(service);
  }

  /** {@code ids} of {@code service} died (killed or stopped), already removed from the alive set; they stay dead. */
  void died(String service, List<Integer> ids) {
    var c = covered.get(service);
    if (c != null) ids.forEach(c::remove);
    recount(service);
  }

  /** The alive set of {@code service} changed otherwise (a start). */
  void changed(String service) {
    recount(service);
  }

  /**
   * Reports each cap on {@code service} or on every container that the current counts exceed for the
   * first time, at {@code pos}, the event's.
   *
   * @param what the event, as a message starts: {@code this cpu fault on db 1}
   */
  void check(String service, SourcePos pos, String what, String when, Problems problems) {
    for (int i = 0; i < caps.size(); i++) {
      var cap = caps.get(i);
      if (reported[i] || (cap.service() != null && !cap.service().equals(service))) continue;
      boolean all = cap.service() == null;
      int scopeAtT0 = all ? beginningTotal : beginning.getOrDefault(service, 0);
      int limit = cap.capFor(scopeAtT0);
      int now = all ? affectedTotal : affected.getOrDefault(service, 0);
      if (now <= limit) continue;
      reported[i] = true;
      int containers = 0;
      if (all) {
        for (var s : alive.keySet()) containers += size(s);
      } else {
        containers = size(service);
      }
      problems.add(pos, what + " makes " + now + " of " + containers + (all ? "" : " " + service) + " container"
          + (containers == 1 ? "" : "s") + " affected at " + when + "; environment.safety.max_affected"
          + (all ? "" : "." + service) + " (line " + cap.pos().line() + ") allows " + limit
          + (cap.fraction() != null ? " (" + percent(cap.fraction()) + "% of " + scopeAtT0 + ")" : ""));
    }
  }

  /** The service's containers now: the alive ones and the dead ones. */
  private int size(String service) {
    int live = alive.containsKey(service) ? alive.get(service).size() : 0;
    return Math.max(live, beginning.getOrDefault(service, 0));
  }

  private void recount(String service) {
    var c = covered.get(service);
    int live = alive.containsKey(service) ? alive.get(service).size() : 0;
    int now = (c == null ? 0 : c.size()) + Math.max(0, beginning.getOrDefault(service, 0) - live);
    Integer before = affected.put(service, now);
    affectedTotal += now - (before == null ? 0 : before);
  }

  private static String percent(double fraction) {
    return new BigDecimal(fraction * 100).round(new MathContext(10)).stripTrailingZeros().toPlainString();
  }
}
