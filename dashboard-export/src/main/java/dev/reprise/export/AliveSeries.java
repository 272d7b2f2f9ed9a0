package dev.reprise.export;

import dev.reprise.fdsl.plan.AliveSnapshot;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.record.ContainerEventRecord;
import dev.reprise.fdsl.record.ContainerRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Containers alive per service at every whole second {@code 0..seconds-1} after T0.
 *
 * <p>Actual counts come from {@code container-events.jsonl}: {@code start} makes a container alive;
 * {@code die}, {@code stop}, {@code destroy} and a {@code kill} with SIGKILL make it dead (other
 * signals leave it alive). A container listed in {@code containers.jsonl} whose first event is not
 * {@code start} was already running when recording began and counts from its creation. When the run
 * has no container events at all, the actual counts fall back to the plan's alive snapshots
 * ({@link #source()} says which). Planned counts always come from the plan when it is present.
 *
 * @param seconds how many whole seconds are covered (index k is the state at T0 + k s)
 * @param actual service → count per second
 * @param planned service → planned count per second (empty without a plan)
 * @param source {@code events}, {@code plan} or {@code none}
 */
public record AliveSeries(int seconds, Map<String, int[]> actual, Map<String, int[]> planned, String source) {

  public AliveSeries {
    actual = Collections.unmodifiableMap(new LinkedHashMap<>(actual));
    planned = Collections.unmodifiableMap(new LinkedHashMap<>(planned));
  }

  /** Every service with an actual or planned series, sorted. */
  public List<String> services() {
    Set<String> s = new TreeSet<>(actual.keySet());
    s.addAll(planned.keySet());
    return List.copyOf(s);
  }

  /** Computes the series of {@code run}. */
  public static AliveSeries of(RunFolder run) {
    int seconds = (int) Math.ceil(run.durationSeconds()) + 1;
    Map<String, int[]> planned = new TreeMap<>();
    Plan plan = run.plan().orElse(null);
    if (plan != null) {
      planned = fromPlan(plan, seconds);
    }
    if (run.events().isEmpty()) {
      return new AliveSeries(seconds, planned, planned, plan == null ? "none" : "plan");
    }
    Map<String, String> serviceOf = new LinkedHashMap<>();
    Map<String, Instant> createdOf = new LinkedHashMap<>();
    for (ContainerRecord c : run.containers()) {
      if (c.container() != null && c.service() != null) {
        serviceOf.put(c.container(), c.service());
        createdOf.put(c.container(), c.created());
      }
    }
    Map<String, List<ContainerEventRecord>> byContainer = new LinkedHashMap<>();
    for (ContainerEventRecord e : run.events()) {
      if (e.container() == null) {
        continue;
      }
      if (e.service() != null) {
        serviceOf.putIfAbsent(e.container(), e.service());
      }
      byContainer.computeIfAbsent(e.container(), k -> new ArrayList<>()).add(e);
    }
    Map<String, int[]> actual = new TreeMap<>();
    planned.keySet().forEach(s -> actual.put(s, new int[seconds]));
    for (var entry : serviceOf.entrySet()) {
      String container = entry.getKey();
      int[] counts = actual.computeIfAbsent(entry.getValue(), k -> new int[seconds]);
      List<ContainerEventRecord> events = byContainer.getOrDefault(container, List.of());
      // Intervals [from, to) in seconds since T0 during which the container is alive.
      double aliveFrom = Double.NaN;
      Boolean alive = null;
      for (ContainerEventRecord e : events) {
        Boolean next = transition(e);
        if (next == null) {
          continue;
        }
        if (alive == null && !next) {
          Instant created = createdOf.get(container);
          aliveFrom = created == null ? Double.NEGATIVE_INFINITY : run.seconds(created);
          alive = true;
        }
        if (next && !Boolean.TRUE.equals(alive)) {
          aliveFrom = run.seconds(e.time());
        } else if (!next && Boolean.TRUE.equals(alive)) {
          add(counts, aliveFrom, run.seconds(e.time()));
        }
        alive = next;
      }
      if (alive == null && createdOf.containsKey(container)) {
        Instant created = createdOf.get(container);
        aliveFrom = created == null ? Double.NEGATIVE_INFINITY : run.seconds(created);
        alive = true;
      }
      if (Boolean.TRUE.equals(alive)) {
        add(counts, aliveFrom, Double.POSITIVE_INFINITY);
      }
    }
    return new AliveSeries(seconds, actual, planned, "events");
  }

  /** True: becomes alive; false: becomes dead; null: no change. */
  private static Boolean transition(ContainerEventRecord e) {
    String ev = e.event() == null ? "" : e.event().toLowerCase(Locale.ROOT);
    switch (ev) {
      case "start", "restart", "unpause":
        return true;
      case "die", "stop", "destroy":
        return false;
      case "kill": {
        String s = e.signal() == null ? "" : e.signal().toUpperCase(Locale.ROOT);
        return s.equals("9") || s.equals("KILL") || s.equals("SIGKILL") ? Boolean.FALSE : null;
      }
      default:
        return null;
    }
  }

  /** Adds 1 to every second k with k in [from, to). */
  private static void add(int[] counts, double from, double to) {
    int a = (int) Math.max(0, Math.ceil(from));
    int b = (int) Math.min(counts.length, Math.ceil(to));
    for (int k = a; k < b; k++) {
      counts[k]++;
    }
  }

  private static Map<String, int[]> fromPlan(Plan plan, int seconds) {
    Map<String, int[]> out = new TreeMap<>();
    Set<String> services = new TreeSet<>(plan.beginning().keySet());
    plan.alive().forEach(s -> services.addAll(s.alive().keySet()));
    List<AliveSnapshot> snaps = new ArrayList<>(plan.alive());
    snaps.sort((a, b) -> a.offsetMillis() != b.offsetMillis()
        ? Long.compare(a.offsetMillis(), b.offsetMillis()) : Integer.compare(a.moment(), b.moment()));
    for (String service : services) {
      int[] counts = new int[seconds];
      int current = plan.beginning().getOrDefault(service, 0);
      int i = 0;
      for (int k = 0; k < seconds; k++) {
        while (i < snaps.size() && snaps.get(i).offsetMillis() <= k * 1000L) {
          current = snaps.get(i).count(service);
          i++;
        }
        counts[k] = current;
      }
      out.put(service, counts);
    }
    return out;
  }
}
