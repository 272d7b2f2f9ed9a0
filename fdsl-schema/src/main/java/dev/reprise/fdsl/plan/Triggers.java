package dev.reprise.fdsl.plan;

import dev.reprise.fdsl.model.Moment;
import dev.reprise.fdsl.model.ServiceEvent;
import dev.reprise.fdsl.model.ServiceEvents;
import dev.reprise.fdsl.model.Trigger;
import dev.reprise.fdsl.source.Problems;
import dev.reprise.fdsl.source.SourcePos;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The planner's rules for triggered moments ({@code when:}). A triggered moment takes its place in
 * the plan's order at its earliest instant ({@code time:}, else 0), ties in file order, like any
 * moment; its actions are resolved against the alive sets at that place. That order is only what
 * happens when nothing can overtake the moment while it waits, so {@link #checkOrder} refuses a
 * later moment that may fire before it (its earliest instant is before the triggered moment's
 * deadline) when the two touch a common service and one of them changes that service's alive set.
 * Pure; package-private helpers of {@link Planner}.
 */
final class Triggers {
  private Triggers() {}

  /**
   * The planned form of moment {@code m}'s trigger (place {@code k} in the plan's order), its
   * {@code count} resolved against {@code alive} (the alive sets before the moment's own events);
   * empty with a problem when the count exceeds the containers expected alive then.
   */
  static Optional<PlannedTrigger> plan(Moment m, int k, Map<String, TreeSet<Integer>> alive, Problems problems) {
    Trigger tr = m.trigger();
    String onTimeout = tr.onTimeout().text();
    String at = Planner.seconds(m.timeMillis());
    if (tr.condition() instanceof Trigger.Workload w) {
      String desc = "workload " + w.metric().text() + (w.service() == null ? "" : " of " + w.service()) + " "
          + (w.comparison() == dev.reprise.fdsl.model.AbortCondition.Comparison.ABOVE ? "above" : "below") + " " + w.thresholdText();
      return Optional.of(new PlannedTrigger(k, m.timeMillis(), tr.timeoutMillis(), onTimeout, PlannedTrigger.WORKLOAD, w.service(),
          null, null, w.metric().text(), w.comparison().name().toLowerCase(java.util.Locale.ROOT), w.threshold(), desc));
    }
    String service;
    Integer count;
    SourcePos countPos;
    String kind;
    String pattern = null;
    if (tr.condition() instanceof Trigger.Log l) {
      service = l.service();
      count = l.count();
      countPos = l.count() == null && l.countPos() == SourcePos.NONE ? l.servicePos() : l.countPos();
      kind = PlannedTrigger.LOG;
      pattern = l.pattern();
    } else {
      var r = (Trigger.Running) tr.condition();
      service = r.service();
      count = r.count();
      countPos = r.countPos() == SourcePos.NONE ? r.servicePos() : r.countPos();
      kind = PlannedTrigger.RUNNING;
    }
    var live = alive.get(service);
    int expected = live == null ? 0 : live.size();
    String path = "when." + kind + ".count";
    if (count == null && expected == 0) {
      problems.add(countPos, path + ": 'all' containers of '" + service + "', but none is expected alive at " + at
          + " (the moment's place in the plan)");
      return Optional.empty();
    }
    if (count != null && count > expected) {
      problems.add(countPos, path + ": " + count + " containers of '" + service + "', but " + (expected == 0 ? "none is"
          : expected == 1 ? "only 1 is" : "only " + expected + " are") + " expected alive at " + at + " (the moment's place in the plan)");
      return Optional.empty();
    }
    int n = count == null ? expected : count;
    String containers = n + " container" + (n == 1 ? "" : "s") + (count == null ? " (all)" : "");
    String desc = kind.equals(PlannedTrigger.LOG)
        ? "log of " + service + " matches \"" + pattern + "\" in " + containers
        : containers.replace("container", service + " container") + " running";
    return Optional.of(new PlannedTrigger(k, m.timeMillis(), tr.timeoutMillis(), onTimeout, kind, service, pattern, n, null, null,
        null, desc));
  }

  /**
   * One problem, at the later moment, for each pair (triggered moment, a moment after it in the
   * plan's order that may fire before it) that touch a common service of which one changes the
   * alive set: the plan's order, and so its alive sets and picks, would not hold.
   */
  static void checkOrder(List<Moment> ordered, Problems problems) {
    for (int k = 0; k < ordered.size(); k++) {
      Moment m = ordered.get(k);
      if (!m.triggered()) continue;
      long deadline = m.timeMillis() + m.trigger().timeoutMillis();
      for (int j = k + 1; j < ordered.size(); j++) {
        Moment later = ordered.get(j);
        if (later.timeMillis() >= deadline) break; // ordered by time: none after can overtake
        var common = conflicts(m, later);
        if (common.isEmpty()) continue;
        problems.add(later.pos(), "events: this moment" + (later.triggered() ? " (from " : " at ") + Planner.seconds(later.timeMillis())
            + (later.triggered() ? ")" : "") + " may fire before the triggered moment at line " + m.pos().line()
            + ", which waits from " + Planner.seconds(m.timeMillis()) + " until " + Planner.seconds(deadline)
            + ", and both act on '" + String.join("', '", common) + "', whose alive set "
            + (changes(m).containsAll(common) ? "that moment" : "this one") + " changes; move this moment to "
            + Planner.seconds(deadline) + " or later, or trigger it on the same condition");
      }
    }
  }

  /** The services both moments touch where one of them changes the alive set, in name order. */
  private static Set<String> conflicts(Moment a, Moment b) {
    var out = new TreeSet<String>();
    var touchA = touches(a);
    var touchB = touches(b);
    for (String s : changes(a)) if (touchB.contains(s)) out.add(s);
    for (String s : changes(b)) if (touchA.contains(s)) out.add(s);
    return out;
  }

  /** Every service a moment's events act on or name (groups too), and its trigger's service. */
  private static Set<String> touches(Moment m) {
    var out = new LinkedHashSet<String>();
    for (ServiceEvents se : m.services()) {
      out.add(se.service());
      for (ServiceEvent e : se.events()) {
        if (e instanceof ServiceEvent.Fault f) f.groups().values().forEach(g -> out.addAll(g.keySet()));
      }
    }
    if (m.triggered() && m.trigger().condition().service() != null) out.add(m.trigger().condition().service());
    return out;
  }

  /** The services whose alive set the moment changes: a start, a stop, a fault that ends its containers. */
  private static Set<String> changes(Moment m) {
    var out = new LinkedHashSet<String>();
    for (ServiceEvents se : m.services()) {
      for (ServiceEvent e : se.events()) {
        if (!(e instanceof ServiceEvent.Fault f) || f.fault().killsContainer()) out.add(se.service());
      }
    }
    return out;
  }
}
