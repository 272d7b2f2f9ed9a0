package dev.reprise.agent.inject;

import dev.reprise.agent.runtime.ContainerRuntime;
import dev.reprise.agent.runtime.HostOps;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * What injectors need from the run.
 *
 * @param runId the run ID; burners carry it in their command line
 * @param node this host's swarm node ID (or its name): burners carry it too, so an agent only ever
 *     sweeps its own, even where hosts share a process table (the testbed's namespaces)
 * @param faultsDir where custom fault scripts are on this host (null: none shipped)
 * @param stopGrace SIGTERM → SIGKILL grace of {@code stop}
 * @param runEnd T0 + the plan's end: no effect outlives it
 * @param peers the addresses of containers named by target groups (partition peers, {@code to})
 * @param helperPath the agent's native helper binary on this host, or why it has none
 */
public record InjectionContext(ContainerRuntime runtime, HostOps host, FaultJournal journal, String runId, String node,
    Path faultsDir, Duration stopGrace, Instant runEnd, PeerResolver peers,
    java.util.function.Supplier<java.util.Optional<String>> helperPath) {

  /** A context whose faults name no peers and have no helper binary. */
  public InjectionContext(ContainerRuntime runtime, HostOps host, FaultJournal journal, String runId, String node,
      Path faultsDir, Duration stopGrace, Instant runEnd) {
    this(runtime, host, journal, runId, node, faultsDir, stopGrace, runEnd, PeerResolver.NONE, java.util.Optional::empty);
  }

  /**
   * The marker of every burner this agent starts in this run, {@code reprise-burner/<run>/<node>}
   * ({@code findMarked(burnerMarker())} finds them all, and nobody else's).
   */
  public String burnerMarker() {
    return HostOps.BURNER_PREFIX + "/" + safe(runId) + "/" + safe(node);
  }

  private static String safe(String part) {
    return part == null ? "-" : part.replaceAll("[/\\s]", "_");
  }
}
