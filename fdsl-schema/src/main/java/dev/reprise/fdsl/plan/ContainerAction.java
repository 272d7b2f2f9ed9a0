package dev.reprise.fdsl.plan;

import dev.reprise.fdsl.model.FaultSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A planned action that acts on containers ({@code start}, {@code stop}, {@code fault}): the one
 * way the agent reads which service and FDSL container IDs an action is about, whatever its kind.
 */
public sealed interface ContainerAction extends PlannedAction permits StartAction, StopAction, FaultAction {

  /** The FDSL service whose containers the action acts on. */
  String service();

  /** The FDSL container IDs of {@link #service()} the action acts on, sorted (may be empty). */
  List<Integer> ids();

  /** Every FDSL service the action names: its own and, for a fault with target groups, the groups' services. */
  default Set<String> services() {
    return Set.of(service());
  }

  /** The fault the action injects; empty for {@code start} and {@code stop}. */
  default Optional<FaultSpec> injectedFault() {
    return Optional.empty();
  }
}
