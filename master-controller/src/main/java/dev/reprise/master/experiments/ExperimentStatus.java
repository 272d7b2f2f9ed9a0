package dev.reprise.master.experiments;

import java.time.Instant;
import java.util.List;

/**
 * An experiment as {@code GET /api/v1/chaos/experiments/{id}/status} shows it (and {@code POST}
 * answers, with {@link ExperimentState#INJECTED}). JSON: the component names; instants as ISO-8601;
 * nulls omitted.
 *
 * @param experimentId the caller's ID
 * @param targetService the service as the request named it
 * @param action the action
 * @param status where it is
 * @param injectedAt when it was accepted
 * @param rollbackScheduledAt when its agents heal it on their own ({@code injectedAt + durationSeconds})
 * @param endedAt when it reached a final state, else null
 * @param elapsedSeconds seconds since {@code injectedAt} (until {@code endedAt} once final)
 * @param remainingSeconds seconds until {@code rollbackScheduledAt}; 0 once final
 * @param safetyMetrics the guard's latest view
 * @param impactedNodes each targeted container and the state of its fault
 * @param runId the run folder's ID that records it (timeline, container events, stats), once it exists
 * @param message why it ended as it did (the rollback request, the threshold that tripped, the error), else null
 */
public record ExperimentStatus(
    String experimentId,
    String targetService,
    ChaosAction action,
    ExperimentState status,
    Instant injectedAt,
    Instant rollbackScheduledAt,
    Instant endedAt,
    long elapsedSeconds,
    long remainingSeconds,
    SafetyMetrics safetyMetrics,
    List<ImpactedNode> impactedNodes,
    String runId,
    String message) {

  public ExperimentStatus {
    impactedNodes = impactedNodes == null ? List.of() : List.copyOf(impactedNodes);
  }

  /**
   * The guard's view.
   *
   * @param currentErrorRatePct the workload's error rate over the guard's window, percent; null when no workload line arrived
   * @param currentP99LatencyMs its p99 latency over the window, ms; null when none
   * @param safetyChecksStatus {@code NOT_CONFIGURED}, {@code PASSING}, {@code NO_DATA} or {@code TRIPPED}
   */
  public record SafetyMetrics(Double currentErrorRatePct, Double currentP99LatencyMs, String safetyChecksStatus) {}

  /**
   * One targeted container.
   *
   * @param podName the container's name (Swarm task name, {@code stack_service.N.taskid})
   * @param node the host it runs on
   * @param faultState {@code PENDING}, {@code APPLIED}, {@code HEALED} or {@code FAILED} (a kill is {@code APPLIED} for good)
   */
  public record ImpactedNode(String podName, String node, String faultState) {}
}
