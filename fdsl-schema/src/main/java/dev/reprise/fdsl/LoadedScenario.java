package dev.reprise.fdsl;

import dev.reprise.fdsl.model.Scenario;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.Planner;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A scenario that passed every check, with the files it came from. Immutable.
 *
 * @param scenarioFile the scenario, as the user named it
 * @param scenarioText its full content
 * @param composeFile the compose file that was used
 * @param composeText its full content
 * @param scenario the parsed scenario
 * @param compose the compose file's services and document
 */
public record LoadedScenario(
    Path scenarioFile, String scenarioText, Path composeFile, String composeText, Scenario scenario, ComposeFile compose) {

  /** The seed a run uses: {@code seedOverride} ({@code --seed}) when given, else the file's. */
  public long effectiveSeed(Long seedOverride) {
    return seedOverride != null ? seedOverride : scenario.environment().seed();
  }

  /**
   * The plan for the effective seed. Another seed can make a scenario invalid (a random kill may
   * take the container a later {@code specific} names), so this can fail even after a successful load.
   *
   * @throws ScenarioException with every alive-set problem, positioned in the scenario file
   */
  public Plan plan(Long seedOverride) throws ScenarioException {
    var result = Planner.plan(scenario, effectiveSeed(seedOverride));
    if (result.plan().isPresent()) return result.plan().get();
    throw new ScenarioException(result.problems().stream()
        .map(p -> new Diagnostic(scenarioFile, p.pos().line(), p.pos().column(), p.message())).toList());
  }

  /** Where custom fault scripts are shipped from: {@code faults/} next to the scenario (FaultSee's layout). */
  public Path faultsDir() {
    return ScenarioLoader.faultsDir(scenarioFile);
  }

  /** The NTP server clocks are measured against, if the scenario names one. */
  public Optional<String> ntpServer() {
    return Optional.ofNullable(scenario.environment().ntpServer());
  }

  /** How often hosts re-measure their clock during the run, in milliseconds (0: only at arm). */
  public long ntpResyncMillis() {
    return scenario.environment().ntpResyncMillis();
  }
}
