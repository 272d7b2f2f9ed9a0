package dev.reprise.master.cli;

import dev.reprise.export.ModelSummary;
import dev.reprise.export.RunComparison;
import dev.reprise.export.Thresholds;
import dev.reprise.fdsl.Diagnostic;
import dev.reprise.fdsl.LoadedScenario;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.fdsl.model.Expectations;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.master.campaign.FaultsOff;
import dev.reprise.master.run.Outcome;
import dev.reprise.master.run.RunFolders;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code master run SCENARIO --with-baseline}: the baseline → fault → verdict flow. Everything is
 * loaded and planned before anything is deployed (problems of both scenarios at once, exit 2);
 * then the baseline runs as {@code NAME-baseline} (the scenario's {@code environment.baseline}:
 * {@code faults-off}, the default, is the same plan with every fault removed, as a campaign's
 * {@link FaultsOff} baseline; a path is another scenario, relative to the scenario's folder, run
 * with the same seed), then the scenario as {@code NAME}, both through {@code master run}'s own path
 * ({@link RunCommand#runWithFaults}); then the comparison ({@code master compare}'s path) goes into
 * {@code RUN/comparison/}, its table and verdict on stderr.
 *
 * <p>Exit code: the baseline's when it did not end ok (the scenario is not run), else the scenario
 * run's when it did not end ok, else the verdict's (0 all budgets met or none set, 1 a miss, 2
 * unreadable budgets). The last line of stdout is the scenario run's folder, as for {@code master run}.
 */
final class BaselineFlow {
  private BaselineFlow() {}

  static int run(RunCommand cmd, PrintStream stdout, PrintStream stderr) {
    Thresholds thresholds;
    ModelSummary.Settings summary;
    try {
      thresholds = cmd.thresholdOptions.thresholds();
      summary = cmd.summaryOptions.settings(System.getenv());
    } catch (IllegalArgumentException e) {
      stderr.println("error: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    }
    if (cmd.faults != null && !Files.isDirectory(cmd.faults)) {
      stderr.println("error: --faults " + cmd.faults + " is not a folder; nothing was deployed");
      return ExitCodes.INVALID_INPUT;
    }
    String faultsEnv = System.getenv(ScenarioLoader.FAULTS_ENV);
    LoadedScenario loaded;
    Plan plan;
    LoadedScenario baselineLoaded;
    Plan baselinePlan;
    String baselineText;
    try {
      loaded = ScenarioLoader.load(cmd.scenario, cmd.compose, cmd.faults, faultsEnv);
      plan = loaded.plan(cmd.seed);
      Expectations.Baseline declared = loaded.scenario().environment().expectations().baseline();
      if (declared == null || declared.faultsOff()) {
        baselineText = Expectations.FAULTS_OFF;
        baselineLoaded = loaded;
        baselinePlan = FaultsOff.of(plan);
      } else {
        baselineText = declared.text();
        Path file = loaded.scenarioFile().toAbsolutePath().getParent().resolve(declared.text()).normalize();
        if (!Files.isRegularFile(file)) {
          throw new ScenarioException(List.of(new Diagnostic(loaded.scenarioFile(), declared.pos().line(), declared.pos().column(),
              "environment.baseline: no scenario file " + file + " (write faults-off, or a path relative to this scenario's folder)")));
        }
        baselineLoaded = ScenarioLoader.load(file, null, cmd.faults, faultsEnv);
        baselinePlan = baselineLoaded.plan(loaded.effectiveSeed(cmd.seed));
      }
    } catch (ScenarioException e) {
      e.diagnostics().forEach(stderr::println);
      stderr.println(e.diagnostics().size() + " problem(s); nothing was deployed");
      return ExitCodes.INVALID_INPUT;
    }
    String name = cmd.name != null ? cmd.name : RunFolders.defaultName(cmd.scenario);
    stderr.println("with-baseline: 1/2 the baseline (" + baselineText + ") as " + name + "-baseline");
    cmd.name = name + "-baseline";
    int code = cmd.runWithFaults(baselineLoaded, baselinePlan);
    var baseline = cmd.lastResult;
    if (code != ExitCodes.OK || baseline == null || baseline.runDir() == null || baseline.outcome() != Outcome.OK) {
      stderr.println("with-baseline: the baseline did not end ok; the scenario was not run");
      return code != ExitCodes.OK ? code : ExitCodes.RUN_FAILED;
    }
    stderr.println("with-baseline: 2/2 the scenario as " + name);
    cmd.name = name;
    cmd.lastResult = null;
    code = cmd.runWithFaults(loaded, plan);
    var failure = cmd.lastResult;
    if (failure == null || failure.runDir() == null) {
      stderr.println("with-baseline: the scenario's run did not start; nothing to compare");
      return code != ExitCodes.OK ? code : ExitCodes.RUN_FAILED;
    }
    Path target = failure.runDir().resolve("comparison");
    var err = new PrintWriter(stderr, true, StandardCharsets.UTF_8);
    int verdict = CompareCommand.compare(baseline.runDir(), failure.runDir(), target,
        new RunComparison.Options(thresholds, null, summary), false, err, err);
    err.flush();
    stdout.println(failure.runDir());
    stdout.flush();
    if (code != ExitCodes.OK) {
      stderr.println("with-baseline: the scenario's run did not end ok (" + failure.outcome().word() + "); exit " + code);
      return code;
    }
    return verdict;
  }
}
