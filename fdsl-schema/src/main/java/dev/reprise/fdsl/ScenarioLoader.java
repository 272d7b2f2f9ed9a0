package dev.reprise.fdsl;

import dev.reprise.fdsl.parse.ParseContext;
import dev.reprise.fdsl.source.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one way in: reads a scenario and its compose file, checks everything (YAML syntax,
 * structure, compose services, fault scripts, alive sets under the file's seed) and reports every
 * problem at once as {@code FILE:LINE:COL: message}. Reads files only; contacts nothing.
 *
 * <p>The compose file is {@code composeOverride} ({@code --compose}) when given, else
 * {@code environment.compose} relative to the scenario's folder, else the first of
 * {@link #DEFAULT_COMPOSE_NAMES} beside the scenario.
 *
 * <p>Custom fault scripts ({@code custom: {fault_file_name: NAME}}) are looked for, in this order,
 * the first folder holding NAME winning: the scenario's own {@code faults/}, {@code environment.faults}
 * (relative to the scenario's folder), {@code faultsOverride} ({@code --faults DIR}), then
 * {@code faultsEnvironment} (the {@value #FAULTS_ENV} variable, FaultSee's one folder for every
 * experiment). What the scenario itself names comes first, so the same scenario folder runs the same
 * scripts whatever the shell; the command line and the environment are fallbacks for shared script
 * libraries. {@link LoadedScenario#faultScripts()} says where each script was found.
 */
public final class ScenarioLoader {
  /** Looked for beside the scenario, in this order, when no compose file is named. */
  public static final List<String> DEFAULT_COMPOSE_NAMES =
      List.of("docker-compose.yml", "docker-compose.yaml", "compose.yaml", "compose.yml");
  /** The folder, beside the scenario, custom fault scripts are shipped from. */
  public static final String FAULTS_FOLDER = "faults";

  /** The environment variable naming a last faults folder (FaultSee's {@code LSDS_FAULTS_FOLDER_LOCAL}). */
  public static final String FAULTS_ENV = "LSDS_FAULTS_FOLDER_LOCAL";

  private ScenarioLoader() {}

  /** Loads with the scenario's own faults folders only (no {@code --faults}, no {@value #FAULTS_ENV}). */
  public static LoadedScenario load(Path scenarioFile, Path composeOverride) throws ScenarioException {
    return load(scenarioFile, composeOverride, null, null);
  }

  /** One folder custom fault scripts are looked for in, and what named it (null: the scenario's own faults/). */
  public record FaultsPlace(Path folder, String origin) {
    /** As messages name it: {@code DIR/ (origin)}, with {@code no such folder} when it is missing. */
    public String describe() {
      String s = folder + "/";
      if (origin != null) s += " (" + origin + (Files.isDirectory(folder) ? ")" : ", no such folder)");
      return s;
    }
  }

  /**
   * @param scenarioFile the FDSL file
   * @param composeOverride the compose file named on the command line, or null
   * @param faultsOverride the faults folder named on the command line ({@code --faults}), or null
   * @param faultsEnvironment the value of {@value #FAULTS_ENV}, or null (blank: ignored)
   * @throws ScenarioException with every problem found, in either file (unreadable files included)
   */
  public static LoadedScenario load(Path scenarioFile, Path composeOverride, Path faultsOverride, String faultsEnvironment)
      throws ScenarioException {
    var diagnostics = new ArrayList<Diagnostic>();
    String text = read(scenarioFile, diagnostics, "scenario");
    if (text == null) throw new ScenarioException(diagnostics);
    return load(scenarioFile, text, composeOverride, faultsOverride, faultsEnvironment, diagnostics);
  }

  /**
   * As {@link #load(Path, Path, Path, String)}, with the scenario's text given instead of read from
   * {@code scenarioFile} (a campaign's scenario with its {@code ${name}} parameters substituted).
   * Everything else (the compose file, {@code faults/}, {@code environment.faults}) is still looked
   * for relative to {@code scenarioFile}, and diagnostics name {@code scenarioFile} at positions in
   * {@code scenarioText}: a caller that changed the text maps the columns back.
   */
  public static LoadedScenario loadText(Path scenarioFile, String scenarioText, Path composeOverride, Path faultsOverride,
      String faultsEnvironment) throws ScenarioException {
    var diagnostics = new ArrayList<Diagnostic>();
    InputFiles.checkText(scenarioFile, scenarioText, "scenario", diagnostics);
    if (!diagnostics.isEmpty()) throw new ScenarioException(diagnostics);
    return load(scenarioFile, scenarioText, composeOverride, faultsOverride, faultsEnvironment, diagnostics);
  }

  private static LoadedScenario load(Path scenarioFile, String text, Path composeOverride, Path faultsOverride,
      String faultsEnvironment, List<Diagnostic> diagnostics) throws ScenarioException {

    var composed = ScenarioParser.compose(text); // once: the hints and the parse read the same tree
    Path composePath = composePath(scenarioFile, composeOverride, composed, diagnostics);
    ComposeFile compose = null;
    String composeText = composePath == null ? null : read(composePath, diagnostics, "compose file");
    if (composeText != null) {
      var result = ComposeFile.parse(composePath, composeText);
      add(diagnostics, composePath, result.problems());
      compose = result.compose().orElse(null);
    }

    List<FaultsPlace> places = faultsPlaces(scenarioFile, composed, faultsOverride, faultsEnvironment, diagnostics);
    Map<String, Path> found = new LinkedHashMap<>();
    var context = new ParseContext(
        compose == null ? null : compose.serviceNames(),
        name -> {
          for (FaultsPlace place : places) {
            Path file = place.folder().resolve(name);
            if (Files.isRegularFile(file)) {
              found.putIfAbsent(name, file);
              return true;
            }
          }
          return false;
        },
        places.stream().map(FaultsPlace::describe).collect(Collectors.joining(", ")));
    var parsed = ScenarioParser.parse(composed, context);
    add(diagnostics, scenarioFile, parsed.problems());
    if (!diagnostics.isEmpty() || parsed.scenario().isEmpty()) throw new ScenarioException(diagnostics);

    var scenario = parsed.scenario().get();
    // the alive-set rules, under the file's seed; the plan is kept for LoadedScenario.plan
    var plan = LoadedScenario.planOrThrow(scenarioFile, scenario, scenario.environment().seed());
    return new LoadedScenario(scenarioFile, text, composePath, composeText, scenario, compose,
        Collections.unmodifiableMap(found), plan);
  }

  static Path faultsDir(Path scenarioFile) {
    return scenarioFile.getParent() == null ? Path.of(FAULTS_FOLDER) : scenarioFile.getParent().resolve(FAULTS_FOLDER);
  }

  /** The folders scripts are looked for in, in order; a missing environment.faults folder is a problem at its position. */
  private static List<FaultsPlace> faultsPlaces(Path scenarioFile, ScenarioParser.Composed text, Path faultsOverride, String faultsEnvironment,
      List<Diagnostic> diagnostics) {
    var places = new ArrayList<FaultsPlace>();
    places.add(new FaultsPlace(faultsDir(scenarioFile), null));
    var hint = ScenarioParser.faultsHint(text);
    if (hint.isPresent() && !hint.get().path().isBlank()) {
      Path dir = scenarioFile.getParent();
      Path p = dir == null ? Path.of(hint.get().path()) : dir.resolve(hint.get().path()).normalize();
      if (!Files.isDirectory(p)) {
        diagnostics.add(new Diagnostic(scenarioFile, hint.get().pos().line(), hint.get().pos().column(),
            "environment.faults: no folder " + p + " (paths are relative to the scenario's folder)"));
      }
      places.add(new FaultsPlace(p, "environment.faults"));
    }
    if (faultsOverride != null) places.add(new FaultsPlace(faultsOverride, "--faults"));
    if (faultsEnvironment != null && !faultsEnvironment.isBlank()) {
      places.add(new FaultsPlace(Path.of(faultsEnvironment), FAULTS_ENV));
    }
    return places;
  }

  private static Path composePath(Path scenarioFile, Path override, ScenarioParser.Composed text, List<Diagnostic> diagnostics) {
    if (override != null) return override;
    Path dir = scenarioFile.getParent();
    var hint = ScenarioParser.composeHint(text);
    if (hint.isPresent()) {
      Path p = dir == null ? Path.of(hint.get().path()) : dir.resolve(hint.get().path()).normalize();
      if (!Files.isRegularFile(p)) {
        diagnostics.add(new Diagnostic(scenarioFile, hint.get().pos().line(), hint.get().pos().column(),
            "environment.compose: no file " + p + " (paths are relative to the scenario's folder)"));
        return null;
      }
      return p;
    }
    for (String name : DEFAULT_COMPOSE_NAMES) {
      Path p = dir == null ? Path.of(name) : dir.resolve(name);
      if (Files.isRegularFile(p)) return p;
    }
    diagnostics.add(new Diagnostic(scenarioFile, 1, 1, "no compose file: looked for "
        + String.join(", ", DEFAULT_COMPOSE_NAMES) + " in " + (dir == null ? "." : dir)
        + "; name one with --compose FILE or environment.compose"));
    return null;
  }

  private static String read(Path file, List<Diagnostic> diagnostics, String what) {
    return InputFiles.read(file, what, diagnostics);
  }

  private static void add(List<Diagnostic> out, Path file, List<Problem> problems) {
    for (Problem p : problems) out.add(new Diagnostic(file, p.pos().line(), p.pos().column(), p.message()));
  }
}
