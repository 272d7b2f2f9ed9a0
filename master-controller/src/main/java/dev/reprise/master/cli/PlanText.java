package dev.reprise.master.cli;

import dev.reprise.fdsl.model.Durations;
import dev.reprise.fdsl.plan.AliveSnapshot;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.MarkAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlannedAction;
import dev.reprise.fdsl.plan.StartAction;
import dev.reprise.fdsl.plan.StopAction;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The human form of a plan, as {@code master plan} prints it. Deterministic: same plan, same text. */
final class PlanText {
  private PlanText() {}

  static String render(Plan plan, String scenarioName) {
    var sb = new java.io.StringWriter();
    render(plan, scenarioName, new java.io.PrintWriter(sb));
    return sb.toString();
  }

  /**
   * {@link #render(Plan, String)} printed line by line to {@code out} (never held whole); does not
   * flush. Each moment's alive line is found by index, not by a search of every snapshot.
   */
  static void render(Plan plan, String scenarioName, java.io.PrintWriter out) {
    out.print("plan of " + scenarioName + " with seed " + plan.seed() + ", ending at " + time(plan.endMillis()) + "\n");
    out.print(String.format(Locale.ROOT, "%10s  %-4s %-7s %-22s %s%n", "time", "seq", "action", "service", "containers"));
    List<AliveSnapshot> snapshots = plan.alive();
    var byMoment = new java.util.HashMap<Integer, AliveSnapshot>();
    for (AliveSnapshot s : snapshots) byMoment.putIfAbsent(s.moment(), s); // the first per moment, as a search finds
    out.print(String.format(Locale.ROOT, "%10s  %-4s %-7s %s%n", time(0), "", "begin", alive(snapshots.get(0))));
    int moment = -1;
    var triggers = new java.util.HashMap<Integer, dev.reprise.fdsl.plan.PlannedTrigger>();
    for (var t : plan.triggers()) triggers.put(t.moment(), t);
    for (PlannedAction a : plan.actions()) {
      if (a.moment() != moment) {
        if (moment >= 0) appendAlive(out, byMoment, moment);
        moment = a.moment();
        var t = triggers.get(moment);
        if (t != null) out.print(String.format(Locale.ROOT, "%10s  %-4s %-7s %s%n", "", "", "when", trigger(t)));
      }
      String at = triggers.containsKey(a.moment()) ? "when" : time(a.offsetMillis());
      out.print(String.format(Locale.ROOT, "%10s  %-4d %-7s %s%n", at, a.seq(), a.action(), describe(a)));
    }
    if (moment >= 0) appendAlive(out, byMoment, moment);
    out.print(String.format(Locale.ROOT, "%10s  %-4s %-7s %s%n", time(plan.endMillis()), "", "end", alive(snapshots.get(snapshots.size() - 1))));
  }

  /**
   * A triggered moment's condition and its window: {@code log of db matches "up" in 3 containers
   * (from 0s, timeout 2m: then fail)}. Its actions' time column says {@code when}: their instant is
   * unknown until the condition holds.
   */
  static String trigger(dev.reprise.fdsl.plan.PlannedTrigger t) {
    return t.description() + " (" + (t.earliestMillis() == 0 ? "" : "from " + time(t.earliestMillis()) + ", ")
        + "timeout " + time(t.timeoutMillis()) + ": then " + t.onTimeout() + ")";
  }

  private static void appendAlive(java.io.PrintWriter out, java.util.Map<Integer, AliveSnapshot> byMoment, int moment) {
    var s = byMoment.get(moment);
    if (s != null) out.print(String.format(Locale.ROOT, "%10s  %-4s %-7s %s%n", "", "", "alive", alive(s)));
  }

  private static String describe(PlannedAction a) {
    if (a instanceof MarkAction m) return "\"" + m.text() + "\"";
    if (a instanceof StartAction s) return String.format(Locale.ROOT, "%-22s %s", s.service(), s.ids());
    if (a instanceof StopAction s) return String.format(Locale.ROOT, "%-22s %s", s.service(), s.ids());
    FaultAction f = (FaultAction) a;
    return String.format(Locale.ROOT, "%-22s %s  %s", f.service(), f.ids(), f.fault().label()) + cap(f);
  }

  /**
   * How {@code environment.safety.max_fault_duration} shortened the fault, empty when it did not:
   * {@code "  (capped at 30s from 1m by max_fault_duration)"}, or for a fault without a length of its
   * own (a custom script) {@code "  (capped at 30s by max_fault_duration; no length of its own)"}.
   */
  static String cap(FaultAction f) {
    if (!f.capped()) return "";
    var at = time(f.fault().durationMillis());
    return f.cappedFromMillis() == 0
        ? "  (capped at " + at + " by max_fault_duration; no length of its own)"
        : "  (capped at " + at + " from " + time(f.cappedFromMillis()) + " by max_fault_duration)";
  }

  private static String alive(AliveSnapshot s) {
    if (s.alive().isEmpty()) return "(no services)";
    return s.alive().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue().size() + " " + e.getValue())
        .collect(Collectors.joining("  "));
  }

  private static String time(long millis) {
    return Durations.format(millis);
  }
}
