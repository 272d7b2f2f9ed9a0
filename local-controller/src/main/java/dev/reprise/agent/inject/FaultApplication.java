package dev.reprise.agent.inject;

import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.plan.FaultAction;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;

/**
 * One application of a planned fault to one container on this host: everything an injector is told
 * (the run-wide services are in {@link InjectionContext}). A fault action with several local targets
 * is applied once per target, each with its own application.
 *
 * @param seq the planned action's seq (the journal key)
 * @param planned the action's planned instant (durations count from it, so they follow the plan)
 * @param fault the fault's parameters
 * @param target the local container this application acts on
 * @param groups the action's target groups (group → FDSL service → FDSL IDs, on any host), empty when
 *     it names none; see {@link FaultAction#groups()}
 */
public record FaultApplication<F extends FaultSpec>(int seq, Instant planned, F fault, Target target,
    SortedMap<String, SortedMap<String, List<Integer>>> groups) {

  public FaultApplication {
    Objects.requireNonNull(planned, "planned");
    Objects.requireNonNull(fault, "fault");
    Objects.requireNonNull(target, "target");
    groups = groups == null ? java.util.Collections.emptySortedMap() : groups;
  }

  /** The application of {@code action} to {@code target}, planned at {@code planned}. */
  public static FaultApplication<FaultSpec> of(FaultAction action, Instant planned, Target target) {
    return new FaultApplication<>(action.seq(), planned, action.fault(), target, action.groups());
  }

  /** The journal key of this application's lasting effect. */
  public FaultJournal.Key journalKey() {
    return new FaultJournal.Key(seq, fault.type(), fault.label(), target.service(), target.id(), target.container().id());
  }

  /** This application with its fault seen as its own record class (the registry checked the type). */
  <G extends FaultSpec> FaultApplication<G> as(Class<G> record) {
    return new FaultApplication<>(seq, planned, record.cast(fault), target, groups);
  }
}
