package dev.reprise.master.cli;

import dev.reprise.fdsl.Diagnostic;
import dev.reprise.fdsl.LoadedScenario;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.ScenarioLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The scenario arguments every scenario command takes: {@code SCENARIO [--compose FILE]}. A picocli mixin. */
public final class ScenarioArgs {
  @Parameters(index = "0", paramLabel = "SCENARIO", description = "The FDSL scenario file.")
  Path scenario;

  @Option(names = "--compose", paramLabel = "FILE",
      description = "The compose file (default: environment.compose, else docker-compose.yml beside the scenario).")
  Path compose;

  /**
   * Loads and checks the scenario; on problems prints every one as {@code FILE:LINE:COL: message}
   * to {@code err} and returns null (the caller exits with {@link ExitCodes#INVALID_INPUT}).
   */
  public LoadedScenario loadOrReport(PrintWriter err) {
    try {
      return ScenarioLoader.load(scenario, compose);
    } catch (ScenarioException e) {
      report(e, err);
      return null;
    }
  }

  /** Prints every diagnostic and a count line. */
  public static void report(ScenarioException e, PrintWriter err) {
    for (Diagnostic d : e.diagnostics()) err.println(d);
    int n = e.diagnostics().size();
    err.println(n + (n == 1 ? " problem" : " problems") + "; nothing was deployed");
    err.flush();
  }

  public Path scenario() {
    return scenario;
  }

  public Path compose() {
    return compose;
  }
}
