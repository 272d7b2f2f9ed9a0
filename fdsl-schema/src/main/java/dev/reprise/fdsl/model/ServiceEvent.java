package dev.reprise.fdsl.model;

import dev.reprise.fdsl.source.SourcePos;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One item of a service's event list: {@code start}, {@code stop} or {@code fault}. */
public sealed interface ServiceEvent permits ServiceEvent.Start, ServiceEvent.Stop, ServiceEvent.Fault {

  /** Which containers (or, for start, how many new ones). */
  Target target();

  /** Where the event is written. */
  SourcePos pos();

  /** {@code start}: add containers; the target is an {@link Target.Amount} or a {@link Target.Percentage} (may exceed 100). */
  record Start(Target target, SourcePos pos) implements ServiceEvent {}

  /** {@code stop}: SIGTERM, then SIGKILL after the grace period; the targets are dead afterwards. */
  record Stop(Target target, SourcePos pos) implements ServiceEvent {}

  /**
   * {@code fault}: inject {@code fault} into the targets.
   *
   * @param groups target groups the fault names besides its targets (e.g. a partition's two
   *     sides): group name → FDSL service → which of its containers, resolved by the planner with the
   *     same rules as targets; empty when the fault names none. Kept in the given order. The
   *     service {@value #EVERY_SERVICE} stands for every service of the run not named in the
   *     group, each with the same target (the planner leaves out those it resolves to no container).
   */
  record Fault(Target target, FaultSpec fault, Map<String, Map<String, Target>> groups, SourcePos pos) implements ServiceEvent {
    /** In a group, the service name that stands for every service of the run (see {@link #groups()}). */
    public static final String EVERY_SERVICE = "*";

    public Fault {
      var copy = new LinkedHashMap<String, Map<String, Target>>();
      if (groups != null) groups.forEach((name, members) -> copy.put(name, Collections.unmodifiableMap(new LinkedHashMap<>(members))));
      groups = Collections.unmodifiableMap(copy);
    }

    /** A fault without target groups. */
    public Fault(Target target, FaultSpec fault, SourcePos pos) {
      this(target, fault, null, pos);
    }
  }
}
