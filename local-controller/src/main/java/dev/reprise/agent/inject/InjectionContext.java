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
 * @param faultsDir where custom fault scripts are on this host (null: none shipped)
 * @param stopGrace SIGTERM → SIGKILL grace of {@code stop}
 * @param runEnd T0 + the plan's end: no effect outlives it
 */
public record InjectionContext(ContainerRuntime runtime, HostOps host, FaultJournal journal, String runId, Path faultsDir,
    Duration stopGrace, Instant runEnd) {

  /** The marker carried by every burner of this run ({@code findMarked(burnerMarker())} finds them all). */
  public String burnerMarker() {
    return "reprise-burner-" + runId;
  }
}
