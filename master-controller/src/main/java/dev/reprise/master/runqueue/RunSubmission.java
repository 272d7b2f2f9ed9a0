package dev.reprise.master.runqueue;

import java.util.Map;

/**
 * A run as submitted over HTTP ({@code POST /api/v1/runs}, JSON or multipart): the scenario and compose
 * file as text, and the custom fault scripts it needs. Immutable.
 *
 * @param name the run's name (as {@code master run --name}); null: the scenario's
 * @param scenarioText the FDSL scenario, as a file would hold it
 * @param composeText the compose file; null: the scenario must name none it cannot find (an error otherwise)
 * @param faultFiles file name → content of custom fault scripts (the scenario's {@code faults/}); may be empty
 * @param seed the seed; null: the scenario's
 */
public record RunSubmission(String name, String scenarioText, String composeText, Map<String, byte[]> faultFiles, Long seed) {

  public RunSubmission {
    faultFiles = faultFiles == null ? Map.of() : Map.copyOf(faultFiles);
  }
}
