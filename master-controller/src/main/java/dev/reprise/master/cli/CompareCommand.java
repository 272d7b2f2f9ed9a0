package dev.reprise.master.cli;

import dev.reprise.export.InvalidBudgetsException;
import dev.reprise.export.InvalidRunFolderException;
import dev.reprise.export.ModelSummary;
import dev.reprise.export.RunComparison;
import dev.reprise.export.Thresholds;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code master compare BASELINE_RUN RUN [--json] [--out DIR] [thresholds] [summary options]}:
 * throughput, latency and error rate of both runs, the run's anomaly windows against the baseline
 * and the recovery time of every fault, judged against the budgets of the run's scenario
 * ({@code environment.expect}); writes {@code comparison.json}, {@code comparison.html},
 * {@code summary.md}, the throughput and bar charts (PNG and SVG) and, with
 * {@code --summary-endpoint}, {@code summary.ai.md}.
 *
 * <p>Exit codes: 0 compared and every budget met (or none set); 1 a budget missed (or not
 * measurable), or reading or writing failed; 2 a folder is not a run folder, a threshold or option
 * is out of range, or the run's scenario has budgets that cannot be read ({@code FILE:LINE:COL}).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Compare a fault run with a baseline run: throughput, latency, errors, anomaly windows, recovery per fault,",
        "judged against the scenario's budgets (environment.expect): exit 0 all met, 1 a miss, 2 bad input."})
public final class CompareCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "BASELINE_RUN", description = "The baseline run folder (no faults).")
  Path baseline;

  @Parameters(index = "1", paramLabel = "RUN", description = "The run folder to judge.")
  Path run;

  @Option(names = "--json", description = "Print the comparison (with its verdict) as JSON on stdout instead of a table.")
  boolean json;

  @Option(names = "--out", paramLabel = "DIR", description = "Where the comparison's files go (default: RUN/comparison).")
  Path out;

  @Mixin ThresholdOptions thresholdOptions = new ThresholdOptions();

  @Mixin SummaryOptions summaryOptions = new SummaryOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    try {
      Thresholds thresholds;
      ModelSummary.Settings summary;
      try {
        thresholds = thresholdOptions.thresholds();
        summary = summaryOptions.settings(System.getenv());
      } catch (IllegalArgumentException e) {
        stderr.println("error: " + e.getMessage());
        return ExitCodes.INVALID_INPUT;
      }
      Path target = out != null ? out : run.resolve("comparison");
      return compare(baseline, run, target, new RunComparison.Options(thresholds, null, summary), json, stdout, stderr);
    } finally {
      stdout.flush();
      stderr.flush();
    }
  }

  /**
   * Compares, prints (table and verdict, or JSON) and maps the verdict to the exit code: the one path
   * of {@code master compare} and {@code master run --with-baseline}.
   */
  static int compare(Path baseline, Path run, Path target, RunComparison.Options options, boolean json, PrintWriter stdout,
      PrintWriter stderr) {
    try {
      RunComparison.Result result = new RunComparison().compare(baseline, run, target, options);
      for (String w : result.warnings()) {
        stderr.println("warning: " + w);
      }
      if (json) {
        stdout.println(RunComparison.json(result.facts()));
      } else {
        stdout.print(RunComparison.text(result.comparison()));
        stdout.print(RunComparison.verdictText(result.verdict()));
        stdout.println("wrote " + result.json().toAbsolutePath().getParent() + "/{comparison.json,comparison.html,summary.md,"
            + "compare-throughput.png/.svg,compare-bars.png/.svg" + (result.modelSummary().isPresent() ? ",summary.ai.md" : "") + "}");
      }
      return result.verdict().passed() ? ExitCodes.OK : ExitCodes.RUN_FAILED;
    } catch (InvalidBudgetsException e) {
      e.problems().forEach(stderr::println);
      stderr.println(e.problems().size() + " problem(s) in the run's budgets; nothing was compared");
      return ExitCodes.INVALID_INPUT;
    } catch (InvalidRunFolderException e) {
      stderr.println("error: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    } catch (IOException e) {
      stderr.println("error: comparing " + run + " with " + baseline + " failed: " + e);
      return ExitCodes.RUN_FAILED;
    }
  }
}
