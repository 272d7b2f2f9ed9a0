package dev.reprise.master.campaign;

import dev.reprise.fdsl.plan.AliveSnapshot;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.MarkAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlannedAction;
import dev.reprise.fdsl.plan.StartAction;
import dev.reprise.fdsl.plan.StopAction;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A group's {@code baseline: faults-off}: the same plan (same seed, same beginning, same end) with
 * every fault action removed. What counts as a fault is what FDSL writes under {@code fault:}: kill,
 * signal, restart, pause, cpu, memory, io, disk_fill, network, partition and custom scripts are all
 * removed, kills included (a kill is a fault, not a scale-down). Marks and the service events
 * {@code start} and {@code stop} (the workload's own scaling) are kept at their offsets, so the
 * baseline sees the same scaling as the faulty run. The remaining actions are renumbered densely in
 * the same order, and the alive snapshots are recomputed from the kept starts and stops.
 */
public final class FaultsOff {
  private FaultsOff() {}

  public static Plan of(Plan plan) {
    var kept = new ArrayList<PlannedAction>();
    for (PlannedAction a : plan.actions()) {
      int seq = kept.size();
      if (a instanceof FaultAction) continue;
      if (a instanceof MarkAction m) kept.add(new MarkAction(seq, m.moment(), m.offsetMillis(), m.text()));
      else if (a instanceof StartAction s) kept.add(new StartAction(seq, s.moment(), s.offsetMillis(), s.service(), s.ids()));
      else if (a instanceof StopAction s) kept.add(new StopAction(seq, s.moment(), s.offsetMillis(), s.service(), s.ids()));
    }
    return new Plan(plan.seed(), plan.endMillis(), plan.beginning(), kept, alive(plan, kept), plan.triggers());
  }

  private static List<AliveSnapshot> alive(Plan plan, List<PlannedAction> kept) {
    var out = new ArrayList<AliveSnapshot>();
    var alive = new TreeMap<String, TreeSet<Integer>>();
    for (var snapshot : plan.alive()) {
      if (snapshot.moment() < 0) {
        snapshot.alive().forEach((service, ids) -> alive.put(service, new TreeSet<>(ids)));
        out.add(snapshot);
        continue;
      }
      for (PlannedAction a : kept) {
        if (a.moment() != snapshot.moment()) continue;
        if (a instanceof StartAction s) alive.computeIfAbsent(s.service(), k -> new TreeSet<>()).addAll(s.ids());
        else if (a instanceof StopAction s) alive.computeIfAbsent(s.service(), k -> new TreeSet<>()).removeAll(s.ids());
      }
      var copy = new TreeMap<String, List<Integer>>();
      alive.forEach((service, ids) -> copy.put(service, List.copyOf(ids)));
      out.add(new AliveSnapshot(snapshot.moment(), snapshot.offsetMillis(), copy));
    }
    return out;
  }
}
