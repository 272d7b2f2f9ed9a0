package dev.reprise.master.cli;

import dev.reprise.export.InvalidRunFolderException;
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
 * {@code master compare BASELINE_RUN RUN [--json] [--out DIR] [thresholds]}: throughput, latency and
 * error rate of both runs, the run's anomaly windows against the baseline and the recovery time of
 * every fault; writes {@code comparison.json} and a side-by-side {@code comparison.html}.
 *
 * <p>Exit codes: 0 compared (whatever the result); 2 a folder is not a run folder or a threshold is
 * out of range; 1 reading or writing failed.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Compare a fault run with a baseline run: throughput, latency, errors, anomaly windows, recovery per fault.")
public final class CompareCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "BASELINE_RUN", description = "The baseline run folder (no faults).")
  Path baseline;

  @Parameters(index = "1", paramLabel = "RUN", description = "The run folder to judge.")
  Path run;

  @Option(names = "--json", description = "Print the comparison as JSON on stdout instead of a table.")
  boolean json;

  @Option(names = "--out", paramLabel = "DIR", description = "Where comparison.json/.html go (default: RUN/comparison).")
  Path out;

  @Mixin ThresholdOptions thresholdOptions = new ThresholdOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    try {
      Thresholds thresholds;
      try {
        thresholds = thresholdOptions.thresholds();
      } catch (IllegalArgumentException e) {
        stderr.println("error: " + e.getMessage());
        return ExitCodes.INVALID_INPUT;
      }
      Path target = out != null ? out : run.resolve("comparison");
      RunComparison.Result result = new RunComparison().compare(baseline, run, thresholds, target);
      for (String w : result.warnings()) {
        stderr.println("warning: " + w);
      }
      if (json) {
        stdout.println(RunComparison.json(result.comparison()));
      } else {
        stdout.print(RunComparison.text(result.comparison()));
        stdout.println("wrote " + result.json() + " and " + result.html().toAbsolutePath());
      }
      return ExitCodes.OK;
    } catch (InvalidRunFolderException e) {
      stderr.println("error: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    } catch (IOException e) {
      stderr.println("error: comparing " + run + " with " + baseline + " failed: " + e);
      return ExitCodes.RUN_FAILED;
    } finally {
      stdout.flush();
      stderr.flush();
    }
  }
}
