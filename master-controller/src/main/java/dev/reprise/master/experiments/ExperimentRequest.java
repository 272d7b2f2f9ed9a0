package dev.reprise.master.experiments;

import java.util.Map;

/**
 * One ad-hoc experiment as asked for ({@code POST /api/v1/chaos/experiments}, {@code master inject}):
 * a fault on a service of a stack that is already running. Its JSON form is this record's component
 * names; shape errors (a missing field, a wrong type, an unknown action) are the caller's to report,
 * meaning errors ({@link Experiments#inject}) are {@link ExperimentException.Invalid}.
 *
 * @param experimentId the caller's ID for it: 1–64 of {@code [A-Za-z0-9._-]}, unique among the server's experiments
 * @param targetService the service: its Swarm name ({@code stack_service}) or {@code stack/service}
 * @param action what to do
 * @param parameters the action's parameters ({@link ChaosAction#parameters()}), values as JSON gives them (numbers, strings, lists)
 * @param durationSeconds how long the fault lasts: its TTL, healed by the agents at {@code injectedAt + durationSeconds} on their own
 * @param safetyThreshold the experiment's own guard, never null ({@link SafetyThreshold#none()})
 */
public record ExperimentRequest(
    String experimentId,
    String targetService,
    ChaosAction action,
    Map<String, Object> parameters,
    long durationSeconds,
    SafetyThreshold safetyThreshold) {

  public ExperimentRequest {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    if (safetyThreshold == null) safetyThreshold = SafetyThreshold.none();
  }
}
