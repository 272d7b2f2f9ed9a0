package dev.reprise.fdsl.plan;

import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.model.CustomFault;
import dev.reprise.fdsl.model.DiskFillFault;
import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.model.IoFault;
import dev.reprise.fdsl.model.MemoryFault;
import dev.reprise.fdsl.model.Moment;
import dev.reprise.fdsl.model.NetworkFault;
import dev.reprise.fdsl.model.PartitionFault;
import dev.reprise.fdsl.model.PauseFault;
import dev.reprise.fdsl.model.RestartFault;
import dev.reprise.fdsl.model.Scenario;
import dev.reprise.fdsl.model.ServiceEvent;
import dev.reprise.fdsl.model.ServiceEvents;
import dev.reprise.fdsl.model.Target;
import dev.reprise.fdsl.source.InputLimits;
import dev.reprise.fdsl.source.Problem;
import dev.reprise.fdsl.source.Problems;
import dev.reprise.fdsl.source.Suggestions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Scenario + seed → {@link Plan}: simulates the expected alive set of every service through the
 * timeline, resolves every target to FDSL container IDs, and checks what only the simulation can
 * tell (an {@code amount} larger than the alive count, a {@code specific} ID not alive then).
 *
 * <p>Rules: moments run in time order, ties in file order; inside a moment the mark comes first,
 * then services in file order, each service's events in list order, each event seeing the alive
 * set left by the previous one. IDs are 0-based per service in creation order. Percentages are of
 * the containers expected alive at that point, rounded up. Random picks use
 * {@link EventSeeds} so they are stable under edits elsewhere. Under {@code environment.safety}, every
 * lasting fault is planned no longer than {@code max_fault_duration} (see {@link #capped}; the action
 * records the duration written in {@link FaultAction#cappedFromMillis()}), and {@code max_affected}
 * is checked against the alive sets as they go ({@link BlastRadius}). Actions with no targets (e.g. 10% of
 * 0 containers) stay in the plan, so the record shows they were considered.
 *
 * <p>Pure: no I/O, no clock; the same scenario and seed give an equal plan. Stateless.
 */
public final class Planner {

  /** The plan when there was no problem, and every problem found. */
  public record Result(Optional<Plan> plan, List<Problem> problems) {}

  private Planner() {}

  public static Result plan(Scenario scenario, long seed) {
    var problems = new Problems();
    long atBeginning = scenario.beginning().values().stream().mapToLong(Integer::longValue).sum();
    if (atBeginning > InputLimits.MAX_PLAN_ALIVE_IDS) {
      var last = scenario.beginning().keySet().stream().reduce((a, b) -> b).orElseThrow();
      problems.add(scenario.beginningPositions().getOrDefault(last, dev.reprise.fdsl.source.SourcePos.NONE),
          "events.beginning: " + atBeginning + " containers in all; the plan's alive sets hold at most "
              + InputLimits.MAX_PLAN_ALIVE_IDS + " container IDs");
      return new Result(Optional.empty(), problems.list());
    }
    var alive = new TreeMap<String, TreeSet<Integer>>();
    var nextId = new HashMap<String, Integer>();
    scenario.beginning().forEach((service, n) -> {
      var ids = new TreeSet<Integer>();
      for (int i = 0; i < n; i++) ids.add(i);
      alive.put(service, ids);
      nextId.put(service, n);
    });
    for (Moment m : scenario.moments()) {
      for (ServiceEvents se : m.services()) {
        alive.computeIfAbsent(se.service(), s -> new TreeSet<>());
        nextId.putIfAbsent(se.service(), 0);
      }
    }

    var safety = scenario.environment().safety();
    Long maxDuration = safety.maxFaultDurationMillis();
    var blast = new BlastRadius(safety.maxAffected(), scenario.beginning(), alive);

    var snapshots = new ArrayList<AliveSnapshot>();
    // each service's alive IDs as last snapshotted, shared by every later snapshot until the service changes:
    // a moment that changes nothing (a mark) costs one map, not a copy of every alive set
    var frozen = new HashMap<String, List<Integer>>();
    var changed = new java.util.HashSet<String>(alive.keySet());
    snapshots.add(snapshot(-1, 0, alive, frozen, changed));
    long aliveIds = atBeginning; // in all the snapshots: bounded by MAX_PLAN_ALIVE_IDS, so a plan always fits in memory
    var actions = new ArrayList<PlannedAction>();
    var ordered = scenario.moments().stream()
        .sorted(Comparator.comparingLong(Moment::timeMillis).thenComparingInt(Moment::fileIndex))
        .toList();
    var ordinalAtTime = new HashMap<Long, Integer>();
    var triggers = new ArrayList<PlannedTrigger>();
    if (ordered.stream().anyMatch(Moment::triggered)) Triggers.checkOrder(ordered, problems);
    for (int k = 0; k < ordered.size(); k++) {
      Moment m = ordered.get(k);
      int ordinal = ordinalAtTime.merge(m.timeMillis(), 1, Integer::sum) - 1;
      long t = m.timeMillis();
      if (blast.enabled()) blast.advanceTo(t);
      if (m.triggered()) Triggers.plan(m, k, alive, problems).ifPresent(triggers::add);
      if (m.mark() != null) actions.add(new MarkAction(actions.size(), k, t, m.mark()));
      for (ServiceEvents se : m.services()) {
        String service = se.service();
        TreeSet<Integer> live = alive.get(service);
        for (int i = 0; i < se.events().size(); i++) {
          ServiceEvent event = se.events().get(i);
          var rng = EventSeeds.stream(seed, EventSeeds.key(t, ordinal, service, i));
          String when = seconds(t);
          if (event instanceof ServiceEvent.Start start) {
            int n = start.target() instanceof Target.Percentage p
                ? ceilPercent(p.percent(), live.size())
                : ((Target.Amount) start.target()).amount();
            int first = nextId.get(service);
            if (live.size() + (long) n > InputLimits.MAX_CONTAINERS_PER_SERVICE) {
              problems.add(start.target().pos(), start.target().path() + ": starting " + n + " would make " + (live.size() + (long) n)
                  + " containers of '" + service + "' alive at " + when + "; the limit is " + InputLimits.MAX_CONTAINERS_PER_SERVICE
                  + " per service");
              continue;
            }
            if (first + (long) n - 1 > InputLimits.MAX_CONTAINER_ID) {
              problems.add(start.target().pos(), start.target().path() + ": starting " + n + " would give '" + service
                  + "' container IDs up to " + (first + (long) n - 1) + " at " + when + "; a service has at most "
                  + (InputLimits.MAX_CONTAINER_ID + 1L) + " containers over a run");
              continue;
            }
            var ids = new ArrayList<Integer>();
            for (int id = first; id < first + n; id++) ids.add(id);
            nextId.put(service, first + n);
            live.addAll(ids);
            changed.add(service);
            actions.add(new StartAction(actions.size(), k, t, service, ids));
            if (blast.enabled()) blast.changed(service);
          } else if (event instanceof ServiceEvent.Stop stop) {
            var ids = resolve(stop.target(), live, rng, problems, service, when, "stop");
            if (ids.isPresent()) {
              live.removeAll(ids.get());
              changed.add(service);
              actions.add(new StopAction(actions.size(), k, t, service, ids.get()));
              if (blast.enabled()) {
                blast.died(service, ids.get());
                blast.check(service, stop.pos(), "this stop of " + service + " " + idsText(ids.get()), when, problems);
              }
            }
          } else if (event instanceof ServiceEvent.Fault fault) {
            var ids = resolve(fault.target(), live, rng, problems, service, when, fault.fault().type());
            var groups = resolveGroups(fault, service, ids.orElse(List.of()), alive, seed, EventSeeds.key(t, ordinal, service, i),
                problems, when);
            if (ids.isPresent() && groups.isPresent()) {
              FaultSpec planned = capped(fault.fault(), maxDuration);
              Long cappedFrom = planned == fault.fault() ? null : fault.fault().durationMillis();
              if (planned.killsContainer()) {
                live.removeAll(ids.get());
                changed.add(service);
              }
              actions.add(new FaultAction(actions.size(), k, t, service, ids.get(), planned, groups.get(), cappedFrom));
              if (blast.enabled()) {
                if (planned.killsContainer()) blast.died(service, ids.get());
                else blast.faulted(service, ids.get(), t, planned.durationMillis());
                blast.check(service, fault.pos(), "this " + planned.type() + " fault on " + service + " " + idsText(ids.get()),
                    when, problems);
              }
            }
          }
        }
      }
      for (var ids : alive.values()) aliveIds += ids.size();
      if (aliveIds > InputLimits.MAX_PLAN_ALIVE_IDS) {
        problems.add(m.pos(), "events: the plan's alive sets would hold more than " + InputLimits.MAX_PLAN_ALIVE_IDS
            + " container IDs by the moment at " + when(t) + " (the containers alive at the beginning and after each of the "
            + (k + 1) + " moments so far); use fewer containers or fewer moments");
        return new Result(Optional.empty(), problems.list());
      }
      snapshots.add(snapshot(k, t, alive, frozen, changed));
    }
    if (!problems.isEmpty()) return new Result(Optional.empty(), problems.list());
    return new Result(Optional.of(new Plan(seed, scenario.endMillis(), new TreeMap<>(scenario.beginning()), actions, snapshots,
        triggers)),
        List.of());
  }

  /**
   * {@code fault} as planned under {@code environment.safety.max_fault_duration} ({@code cap}, null:
   * none): a lasting fault longer than the cap gets the cap as its duration (a restart, its down
   * time), a custom script that does not end its container and has no length of its own gets it as
   * {@link CustomFault#maxDurationMillis()}. Anything else, kill and signal included, is returned as
   * is (the same instance, which is how the caller tells).
   */
  static FaultSpec capped(FaultSpec fault, Long cap) {
    if (cap == null) return fault;
    if (fault instanceof CustomFault c) {
      if (c.killsContainer() || (c.maxDurationMillis() != null && c.maxDurationMillis() <= cap)) return c;
      return c.withMaxDurationMillis(cap);
    }
    if (fault.durationMillis() <= cap) return fault;
    if (fault instanceof CpuFault f) return new CpuFault(cap, f.cores());
    if (fault instanceof PauseFault) return new PauseFault(cap);
    if (fault instanceof RestartFault f) return new RestartFault(cap, f.graceMillis());
    if (fault instanceof MemoryFault f) return new MemoryFault(cap, f.sizeBytes(), f.rateBytesPerSecond());
    if (fault instanceof DiskFillFault f) return new DiskFillFault(cap, f.path(), f.sizeBytes(), f.percent());
    if (fault instanceof IoFault f) return new IoFault(cap, f.path(), f.mode(), f.workers(), f.sizeBytes());
    if (fault instanceof PartitionFault f) return new PartitionFault(cap, f.peers(), f.direction());
    if (fault instanceof NetworkFault f) {
      return new NetworkFault(cap, f.delay(), f.loss(), f.corruptPercent(), f.duplicatePercent(), f.reorder(),
          f.rateBitsPerSecond(), f.to(), f.ports(), f.direction());
    }
    throw new IllegalStateException("fault type " + fault.type() + " has a duration but no cap rule");
  }

  /** {@code 1}, {@code 0, 2}: at most ten IDs, then how many more. */
  private static String idsText(List<Integer> ids) {
    if (ids.size() <= 10) return ids.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
    return ids.subList(0, 10).stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
        + " and " + (ids.size() - 10) + " more";
  }

  /** The IDs a stop or fault acts on, or empty with a problem at the target's position. */
  private static Optional<List<Integer>> resolve(Target target, TreeSet<Integer> live, EventSeeds.Stream rng,
      Problems problems, String service, String when, String what) {
    if (target instanceof Target.Specific s) {
      boolean ok = true;
      for (int i = 0; i < s.ids().size(); i++) {
        int id = s.ids().get(i);
        if (!live.contains(id)) {
          problems.add(s.idPositions().get(i), s.path() + "[" + i + "]: container " + id + " of '" + service + "' is not alive at "
              + when + ": " + aliveText(live));
          ok = false;
        }
      }
      return ok ? Optional.of(s.ids().stream().sorted().toList()) : Optional.empty();
    }
    if (target instanceof Target.Amount a) {
      if (a.amount() > live.size()) {
        problems.add(a.pos(), a.path() + ": cannot " + what + " " + a.amount() + " container" + (a.amount() == 1 ? "" : "s")
            + " of '" + service + "' at " + when + ": " + aliveText(live));
        return Optional.empty();
      }
      return Optional.of(pick(live, a.amount(), rng));
    }
    return Optional.of(pick(live, ceilPercent(((Target.Percentage) target).percent(), live.size()), rng));
  }

  /**
   * A fault's target groups, each member resolved like a target against its service's alive set at
   * that point (before the fault's own effect). Each (group, service) pair draws from its own stream,
   * keyed {@code <event key>/groups/<group>/<service>}, so groups never change the fault's own picks
   * nor each other's. {@link Target.All} is every container of the service alive then (less the
   * fault's own targets when it says so); the service {@link ServiceEvent.Fault#EVERY_SERVICE} stands
   * for every service of the run the group does not name, each kept only when it resolves to some
   * container. A named service the scenario never has is an error at its target, with a suggestion.
   * Empty with problems when a member cannot be resolved.
   */
  private static Optional<SortedMap<String, SortedMap<String, List<Integer>>>> resolveGroups(ServiceEvent.Fault fault,
      String targetService, List<Integer> targetIds, Map<String, TreeSet<Integer>> alive, long seed, String eventKey,
      Problems problems, String when) {
    var resolved = new TreeMap<String, SortedMap<String, List<Integer>>>();
    boolean ok = true;
    for (var group : fault.groups().entrySet()) {
      var members = new TreeMap<String, List<Integer>>();
      for (var member : group.getValue().entrySet()) {
        String service = member.getKey();
        Target target = member.getValue();
        if (service.equals(ServiceEvent.Fault.EVERY_SERVICE)) {
          for (var s : alive.entrySet()) {
            if (group.getValue().containsKey(s.getKey())) continue;
            var ids = everyAlive(target, s.getKey(), s.getValue(), targetService, targetIds);
            if (!ids.isEmpty()) members.put(s.getKey(), ids);
          }
          continue;
        }
        if (!alive.containsKey(service)) {
          problems.add(target.pos(), target.path() + ": the scenario has no service '" + service + "'"
              + Suggestions.closest(service, alive.keySet()).map(x -> " (did you mean '" + x + "'?)")
                  .orElse(" (its services: " + String.join(", ", alive.keySet()) + ")"));
          ok = false;
          continue;
        }
        var live = alive.get(service);
        if (target instanceof Target.All) {
          members.put(service, everyAlive(target, service, live, targetService, targetIds));
          continue;
        }
        var rng = EventSeeds.stream(seed, eventKey + "/groups/" + group.getKey() + "/" + service);
        var ids = resolve(target, live, rng, problems, service, when,
            "place in " + fault.fault().type() + " group '" + group.getKey() + "'");
        if (ids.isPresent()) members.put(service, ids.get());
        else ok = false;
      }
      resolved.put(group.getKey(), members);
    }
    return ok ? Optional.of(resolved) : Optional.empty();
  }

  /** The IDs of {@code service} alive now, less the fault's own targets when {@code target} is an {@link Target.All} that excepts them. */
  private static List<Integer> everyAlive(Target target, String service, TreeSet<Integer> live, String targetService,
      List<Integer> targetIds) {
    var ids = new TreeSet<>(live);
    if (target instanceof Target.All all && all.exceptFaultTargets() && service.equals(targetService)) ids.removeAll(targetIds);
    return List.copyOf(ids);
  }

  /** {@code n} distinct IDs drawn uniformly from {@code live} (partial Fisher–Yates over the sorted IDs), sorted. */
  static List<Integer> pick(TreeSet<Integer> live, int n, EventSeeds.Stream rng) {
    var pool = new ArrayList<>(live);
    for (int i = 0; i < n; i++) {
      int j = i + rng.nextInt(pool.size() - i);
      var tmp = pool.get(i);
      pool.set(i, pool.get(j));
      pool.set(j, tmp);
    }
    return pool.subList(0, n).stream().sorted().toList();
  }

  /** ceil(percent% of count), exact in integers: 20% of 11 → 3. */
  static int ceilPercent(int percent, int count) {
    return (int) (((long) percent * count + 99) / 100);
  }

  /** The alive IDs listed in a message: more are counted, not listed (90,000 refused IDs each listing 10,000 were gigabytes). */
  static final int MAX_LISTED_IDS = 100;

  private static String aliveText(TreeSet<Integer> live) {
    return live.isEmpty() ? "none is expected alive" : (live.size() == 1 ? "only 1 is" : "only " + live.size() + " are")
        + " expected alive (IDs " + listed(live) + ")";
  }

  /** {@code [0, 1, 2]}; beyond {@link #MAX_LISTED_IDS}: {@code [0, 1, …, 99, and 9900 more]}. */
  private static String listed(TreeSet<Integer> live) {
    if (live.size() <= MAX_LISTED_IDS) return live.toString();
    var sb = new StringBuilder("[");
    var it = live.iterator();
    for (int i = 0; i < MAX_LISTED_IDS; i++) sb.append(it.next()).append(", ");
    return sb.append("and ").append(live.size() - MAX_LISTED_IDS).append(" more]").toString();
  }

  /**
   * The alive sets now: a fresh copy for each service in {@code changed} (then cleared), the list of
   * the last snapshot (in {@code frozen}) for every other one. The lists are immutable, so sharing
   * them between snapshots is invisible but for the memory and time it saves.
   */
  private static AliveSnapshot snapshot(int moment, long t, Map<String, TreeSet<Integer>> alive,
      Map<String, List<Integer>> frozen, java.util.Set<String> changed) {
    var copy = new TreeMap<String, List<Integer>>();
    alive.forEach((s, ids) -> {
      List<Integer> list = changed.contains(s) ? null : frozen.get(s);
      if (list == null) {
        list = List.copyOf(ids);
        frozen.put(s, list);
      }
      copy.put(s, list);
    });
    changed.clear();
    return new AliveSnapshot(moment, t, copy);
  }

  private static String when(long millis) {
    return seconds(millis);
  }

  /**
   * {@code 20s}, {@code 4999.900s}: what {@code "%.3fs"} makes of {@code millis / 1000.0}, without
   * a formatter (it ran once per planned event and was a fifth of the planning time).
   */
  static String seconds(long millis) {
    if (millis % 1000 == 0) return (millis / 1000) + "s";
    if (millis < 0) return String.format(java.util.Locale.ROOT, "%.3fs", millis / 1000.0);
    long frac = millis % 1000;
    return (millis / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac + "s";
  }
}
