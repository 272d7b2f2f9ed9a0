package dev.reprise.fdsl;

import dev.reprise.fdsl.model.Scenario;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.Planner;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A scenario that passed every check, with the files it came from. Immutable.
 *
 * @param scenarioFile the scenario, as the user named it
 * @param scenarioText its full content
 * @param composeFile the compose file that was used
 * @param composeText its full content
 * @param scenario the parsed scenario
 * @param compose the compose file's services and document
 * @param faultScripts every custom fault script the scenario uses, by name, to the file it was found as
 *     (the first of the search folders holding it, see {@link ScenarioLoader})
 * @param filePlan the plan under the file's own seed ({@code environment.seed}), as the loader checked it;
 *     {@link #plan(Long)} returns it for that seed instead of planning again. Null: planned on demand.
 */
public record LoadedScenario(
    Path scenarioFile, String scenarioText, Path composeFile, String composeText, Scenario scenario, ComposeFile compose,
    Map<String, Path> faultScripts, Plan filePlan) {

  public LoadedScenario {
    faultScripts = faultScripts == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(faultScripts));
  }

  /** The folders the used scripts were found in, in search order of first use (empty: no custom fault). */
  public Set<Path> faultFolders() {
    var folders = new LinkedHashSet<Path>();
    faultScripts.values().forEach(f -> folders.add(f.getParent()));
    return folders;
  }

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
    long seed = effectiveSeed(seedOverride);
    if (filePlan != null && filePlan.seed() == seed) return filePlan; // planning is pure: the same plan
    return planOrThrow(scenarioFile, scenario, seed);
  }

  /** {@link Planner#plan} or its problems, positioned in {@code scenarioFile}. */
  static Plan planOrThrow(Path scenarioFile, Scenario scenario, long seed) throws ScenarioException {
    var result = Planner.plan(scenario, seed);
    if (result.plan().isPresent()) return result.plan().get();
    throw new ScenarioException(result.problems().stream()
        .map(p -> new Diagnostic(scenarioFile, p.pos().line(), p.pos().column(), p.message())).toList());
  }

  /**
   * The one folder custom fault scripts are shipped from: the folder every used script was found
   * in, or {@code faults/} next to the scenario (FaultSee's layout) when none is used.
   *
   * @throws IllegalStateException when the scripts come from several folders (see {@link #faultFolders()}:
   *     a run then ships a merged copy)
   */
  public Path faultsDir() {
    var folders = faultFolders();
    if (folders.isEmpty()) return ScenarioLoader.faultsDir(scenarioFile);
    if (folders.size() == 1) return folders.iterator().next();
    throw new IllegalStateException("the custom fault scripts come from several folders: " + folders);
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
