package dev.reprise.agent.runtime;

import java.util.Optional;

/**
 * Where the orchestrator runs a run's services, in FDSL's words: which container is FDSL ID
 * {@code n} of a service, where that ID is placed, and how many IDs a service has.
 * {@link ContainerRuntime} acts on containers; this port is the part that knows services (Swarm:
 * tasks and slots, {@code swarm/SwarmServicePlacement}; Kubernetes would map IDs to StatefulSet
 * ordinals). Thread-safe; the resolver and firing threads call it. Engine problems are
 * {@link RuntimeFailure} (refused) or {@link RuntimeTimeout} (no answer: may have happened).
 */
public interface ServicePlacement extends AutoCloseable {

  /**
   * Where one FDSL ID is placed.
   *
   * @param node the node it is scheduled on (null when not scheduled yet)
   * @param description what the orchestrator says about it, for messages, e.g.
   *     {@code (slot 3): task k2j3h4 is failed (exit 137)}
   */
  record Placement(String node, String description) {}

  /**
   * The FDSL ID of a container of a run service, from the runtime's ordinal for it
   * ({@link RunContainer#slot()}, {@link RuntimeEvent#slot()}); null when it has none.
   */
  Integer idOf(int slot);

  /** How messages name FDSL ID {@code id} in the orchestrator's terms, e.g. {@code slot 3}. */
  String describe(int id);

  /**
   * Where FDSL ID {@code id} of {@code service} (the orchestrator's service name) is placed, on any
   * node; empty when the service has no such ID. Asks the orchestrator (managers only).
   */
  Optional<Placement> locate(String service, int id);

  /** Gives {@code service} the FDSL IDs 0 … {@code count} − 1: IDs it does not have yet start new containers. */
  void scaleTo(String service, int count);

  /** How many FDSL IDs {@code service}'s spec has now. */
  int count(String service);

  @Override
  void close();
}
