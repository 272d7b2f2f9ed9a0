package dev.reprise.fdsl;

import dev.reprise.fdsl.parse.ParseContext;
import dev.reprise.fdsl.source.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one way in: reads a scenario and its compose file, checks everything (YAML syntax,
 * structure, compose services, fault scripts, alive sets under the file's seed) and reports every
 * problem at once as {@code FILE:LINE:COL: message}. Reads files only; contacts nothing.
 *
 * <p>The compose file is {@code composeOverride} ({@code --compose}) when given, else
 * {@code environment.compose} relative to the scenario's folder, else the first of
 * {@link #DEFAULT_COMPOSE_NAMES} beside the scenario.
 */
public final class ScenarioLoader {
  /** Looked for beside the scenario, in this order, when no compose file is named. */
  public static final List<String> DEFAULT_COMPOSE_NAMES =
      List.of("docker-compose.yml", "docker-compose.yaml", "compose.yaml", "compose.yml");
  /** The folder, beside the scenario, custom fault scripts are shipped from. */
  public static final String FAULTS_FOLDER = "faults";

  private ScenarioLoader() {}

  /**
   * @param scenarioFile the FDSL file
   * @param composeOverride the compose file named on the command line, or null
   * @throws ScenarioException with every problem found, in either file (unreadable files included)
   */
  public static LoadedScenario load(Path scenarioFile, Path composeOverride) throws ScenarioException {
    var diagnostics = new ArrayList<Diagnostic>();
    String text = read(scenarioFile, diagnostics, "scenario");
    if (text == null) throw new ScenarioException(diagnostics);

    Path composePath = composePath(scenarioFile, composeOverride, text, diagnostics);
    ComposeFile compose = null;
    String composeText = composePath == null ? null : read(composePath, diagnostics, "compose file");
    if (composeText != null) {
      var result = ComposeFile.parse(composePath, composeText);
      add(diagnostics, composePath, result.problems());
      compose = result.compose().orElse(null);
    }

    Path faults = faultsDir(scenarioFile);
    var context = new ParseContext(
        compose == null ? null : compose.serviceNames(),
        name -> Files.isRegularFile(faults.resolve(name)),
        faults + "/");
    var parsed = ScenarioParser.parse(text, context);
    add(diagnostics, scenarioFile, parsed.problems());
    if (!diagnostics.isEmpty() || parsed.scenario().isEmpty()) throw new ScenarioException(diagnostics);

    var loaded = new LoadedScenario(scenarioFile, text, composePath, composeText, parsed.scenario().get(), compose);
    loaded.plan(null); // the alive-set rules, under the file's seed
    return loaded;
  }

  static Path faultsDir(Path scenarioFile) {
    return scenarioFile.getParent() == null ? Path.of(FAULTS_FOLDER) : scenarioFile.getParent().resolve(FAULTS_FOLDER);
  }

  private static Path composePath(Path scenarioFile, Path override, String text, List<Diagnostic> diagnostics) {
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
