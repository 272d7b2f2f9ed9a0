package dev.reprise.master.cli;

import dev.reprise.fdsl.Diagnostic;
import dev.reprise.fdsl.InputFiles;
import dev.reprise.fdsl.LoadedScenario;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.fdsl.ScenarioParser;
import dev.reprise.fdsl.model.Environment;
import dev.reprise.master.swarm.SwarmOrchestrator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The scenario arguments every scenario command takes: {@code SCENARIO [--compose FILE]}, and the
 * check they share: the scenario (fdsl-schema's loader) and the compose file translated as a run
 * would translate it (every rule of the orchestrator adapter: {@code deploy.mode: global},
 * {@code build:} without {@code image:}, undeclared networks and volumes, malformed values…), all
 * problems of both files at once. Contacts nothing. A picocli mixin, used on the command's thread.
 */
public final class ScenarioArgs {
  @Parameters(index = "0", paramLabel = "SCENARIO", description = "The FDSL scenario file.")
  Path scenario;

  @Option(names = "--compose", paramLabel = "FILE",
      description = "The compose file (default: environment.compose, else docker-compose.yml beside the scenario).")
  Path compose;

  @Option(names = "--faults", paramLabel = "DIR",
      description = "A further folder of custom fault scripts, searched after the scenario's faults/ and environment.faults"
          + " (and before $LSDS_FAULTS_FOLDER_LOCAL).")
  Path faults;

  /**
   * Loads and checks the scenario and translates its compose file (compose variables from this
   * process's environment, as {@code master run} resolves them); on problems prints every one as
   * {@code FILE:LINE:COL: message} to {@code err} and returns null (the caller exits with
   * {@link ExitCodes#INVALID_INPUT}). Compose warnings (ignored keys) are printed too, once each, and
   * do not make the files invalid.
   */
  public LoadedScenario loadOrReport(PrintWriter err) {
    return loadOrReport(err, System.getenv());
  }

  LoadedScenario loadOrReport(PrintWriter err, Map<String, String> environment) {
    if (faults != null && !Files.isDirectory(faults)) {
      err.println("error: --faults " + faults + " is not a folder");
      err.flush();
      return null;
    }
    Checked checked = check(scenario, compose, faults, environment.get(ScenarioLoader.FAULTS_ENV), environment);
    checked.warnings().forEach(err::println);
    if (checked.problems().isEmpty()) {
      err.flush();
      return checked.loaded();
    }
    report(checked.problems(), err);
    return null;
  }

  /**
   * What {@link #check} found: the loaded scenario (null when it has problems), every problem of both
   * files, and the compose translation's warnings (ignored keys), which do not make the files invalid.
   */
  public record Checked(LoadedScenario loaded, List<Diagnostic> problems, List<Diagnostic> warnings) {}

  /**
   * The check {@code master validate} and {@code master run} make, as a value (also the run queue's,
   * for runs submitted over HTTP): loads the scenario (fdsl-schema's loader) and translates its
   * compose file as a run would ({@code environment}: the compose file's variables), collecting every
   * problem of both files. Contacts nothing; any thread.
   *
   * @param compose the compose file to use, or null: the one the scenario names or finds beside it
   * @param faults a further faults folder ({@code --faults}), or null
   * @param faultsEnvironment the value of {@value ScenarioLoader#FAULTS_ENV}, or null
   */
  public static Checked check(Path scenario, Path compose, Path faults, String faultsEnvironment,
      Map<String, String> environment) {
    LoadedScenario loaded = null;
    var problems = new ArrayList<Diagnostic>();
    try {
      loaded = ScenarioLoader.load(scenario, compose, faults, faultsEnvironment);
    } catch (ScenarioException e) {
      problems.addAll(e.diagnostics());
    }
    Path composeFile = loaded != null ? loaded.composeFile() : composeFileOf(scenario, compose);
    // the loader reports a compose file it could not read or whose structure it rejected; translating it again would say it twice
    boolean composeReported = composeFile == null || problems.stream().anyMatch(d -> composeFile.equals(d.file()));
    var warnings = new ArrayList<Diagnostic>();
    if (!composeReported) {
      String text = loaded != null ? loaded.composeText() : read(composeFile);
      if (text != null) {
        try {
          // an invalid scenario has no beginning: every service gets 0 (the loader checked the names it uses)
          Map<String, Integer> replicas = loaded != null ? loaded.plan(null).beginning() : Map.of();
          boolean keep = loaded != null && loaded.scenario().environment().restart() == Environment.Restart.KEEP;
          warnings.addAll(SwarmOrchestrator.translator(environment).translate(composeFile, text, replicas, keep).warnings());
        } catch (ScenarioException e) {
          // the translation's errors (planning the beginning again cannot fail: the loader planned it under the same seed)
          problems.addAll(e.diagnostics());
        }
      }
    }
    return new Checked(problems.isEmpty() ? loaded : null, List.copyOf(problems), List.copyOf(warnings));
  }

  /** The compose file the loader looked at, when the scenario did not load (null when none could be found). */
  private static Path composeFileOf(Path scenario, Path compose) {
    if (compose != null) return compose;
    String text = read(scenario);
    if (text == null) return null;
    Path dir = scenario.getParent();
    var hint = ScenarioParser.composeHint(text);
    if (hint.isPresent()) {
      Path p = dir == null ? Path.of(hint.get().path()) : dir.resolve(hint.get().path()).normalize();
      return Files.isRegularFile(p) ? p : null;
    }
    for (String name : ScenarioLoader.DEFAULT_COMPOSE_NAMES) {
      Path p = dir == null ? Path.of(name) : dir.resolve(name);
      if (Files.isRegularFile(p)) return p;
    }
    return null;
  }

  /** The file's text under the loader's rules (size limit, regular files only), or null: the loader reported why. */
  private static String read(Path file) {
    return InputFiles.read(file, "file", new ArrayList<>());
  }

  /**
   * What a command prints when the JVM runs out of memory checking or planning the files (the
   * limits of fdsl-schema's README should prevent it): one line naming the heap and how to raise it,
   * never a stack trace. The caller exits with {@link ExitCodes#INVALID_INPUT}.
   */
  public static void reportOutOfMemory(Path scenario, PrintWriter err) {
    err.println(outOfMemoryMessage(scenario));
    err.flush();
  }

  /** The line {@link #reportOutOfMemory} prints. */
  static String outOfMemoryMessage(Path scenario) {
    long heapMiB = Runtime.getRuntime().maxMemory() / (1024 * 1024);
    return Diagnostic.printable(String.valueOf(scenario)) + ": out of memory with the scenario (the heap is " + heapMiB
        + " MiB): it is too large for this master; make it smaller, or give the master more memory"
        + " (REPRISE_JAVA_OPTS=-Xmx4g)";
  }

  /** Prints every diagnostic and a count line. */
  public static void report(ScenarioException e, PrintWriter err) {
    report(e.diagnostics(), err);
  }

  private static void report(List<Diagnostic> diagnostics, PrintWriter err) {
    for (Diagnostic d : diagnostics) err.println(d);
    int n = diagnostics.size();
    err.println(n + (n == 1 ? " problem" : " problems") + "; nothing was deployed");
    err.flush();
  }

  public Path scenario() {
    return scenario;
  }

  public Path compose() {
    return compose;
  }

  public Path faults() {
    return faults;
  }
}
