package dev.reprise.fdsl.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One thing the agents do at one offset from the run's start instant T0. Actions are totally
 * ordered by {@link #seq()}: by time, then by the order of their moments in the file, then by
 * their order inside the moment. The JSON form names the kind in {@code "action"}. Actions on
 * containers are {@link ContainerAction}s.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "action")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MarkAction.class, name = MarkAction.ACTION),
    @JsonSubTypes.Type(value = StartAction.class, name = StartAction.ACTION),
    @JsonSubTypes.Type(value = StopAction.class, name = StopAction.ACTION),
    @JsonSubTypes.Type(value = FaultAction.class, name = FaultAction.ACTION),
})
public sealed interface PlannedAction permits MarkAction, ContainerAction {

  /** Position in the plan's total order, 0-based and dense. */
  int seq();

  /** Index of the moment (in time order, ties in file order) this action belongs to. */
  int moment();

  /** Milliseconds after T0 at which the action fires. */
  long offsetMillis();

  /** The action's kind as written in records: {@code mark}, {@code start}, {@code stop}, {@code fault}. */
  String action();
}
