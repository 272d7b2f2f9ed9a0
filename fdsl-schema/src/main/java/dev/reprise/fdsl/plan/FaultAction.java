package dev.reprise.fdsl.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.reprise.fdsl.model.FaultSpec;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Inject {@code fault} into the containers {@code ids} of {@code service}.
 *
 * @param groups the fault's target groups, resolved by the planner: group name → FDSL service →
 *     sorted FDSL IDs (e.g. a partition's "these containers vs those"). Empty for a fault without
 *     groups, and then absent from the JSON form, so plans without groups keep their bytes. The
 *     action is one action: every host's agent applies it to its own targets and hands every
 *     injection the whole groups map.
 * @param cappedFromMillis when the planner shortened the fault to {@code environment.safety.max_fault_duration}:
 *     the duration the scenario gave it ({@link FaultSpec#durationMillis()} before the cap; 0 when it had
 *     none, e.g. a custom script), while {@link #fault()} carries the capped one. Null when not capped,
 *     and then absent from the JSON form (plans without a cap keep their bytes).
 */
public record FaultAction(int seq, int moment, long offsetMillis, String service, List<Integer> ids, FaultSpec fault,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) SortedMap<String, SortedMap<String, List<Integer>>> groups,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long cappedFromMillis)
    implements ContainerAction {
  public static final String ACTION = "fault";

  public FaultAction {
    ids = List.copyOf(ids);
    groups = canonical(groups);
    if (cappedFromMillis != null && cappedFromMillis < 0) throw new IllegalArgumentException("cappedFromMillis must be >= 0");
  }

  /** A fault that was not capped. */
  public FaultAction(int seq, int moment, long offsetMillis, String service, List<Integer> ids, FaultSpec fault,
      SortedMap<String, SortedMap<String, List<Integer>>> groups) {
    this(seq, moment, offsetMillis, service, ids, fault, groups, null);
  }

  /** A fault without target groups, not capped. */
  public FaultAction(int seq, int moment, long offsetMillis, String service, List<Integer> ids, FaultSpec fault) {
    this(seq, moment, offsetMillis, service, ids, fault, null, null);
  }

  /** Whether the planner shortened the fault to {@code max_fault_duration} ({@link #cappedFromMillis()}). */
  public boolean capped() {
    return cappedFromMillis != null;
  }

  @Override public String action() { return ACTION; }

  @Override public Set<String> services() {
    var all = new LinkedHashSet<String>();
    all.add(service);
    groups.values().forEach(members -> all.addAll(members.keySet()));
    return Collections.unmodifiableSet(all);
  }

  @Override public Optional<FaultSpec> injectedFault() {
    return Optional.of(fault);
  }

  /** Sorted, unmodifiable copies all the way down; null → empty. */
  private static SortedMap<String, SortedMap<String, List<Integer>>> canonical(
      Map<String, ? extends Map<String, List<Integer>>> groups) {
    var copy = new TreeMap<String, SortedMap<String, List<Integer>>>();
    if (groups != null) {
      groups.forEach((name, members) -> {
        var m = new TreeMap<String, List<Integer>>();
        members.forEach((service, ids) -> m.put(service, ids.stream().sorted().toList()));
        copy.put(name, Collections.unmodifiableSortedMap(m));
      });
    }
    return Collections.unmodifiableSortedMap(copy);
  }
}
