package dev.reprise.master.campaign;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Runs one run of a campaign to its end: the port the {@link CampaignRunner} drives (the real one
 * goes through {@code RunService} as {@code master run} does; tests use a hand-written fake).
 */
public interface RunLauncher {

  /**
   * How a run ended.
   *
   * @param outcome {@code ok}, {@code failed}, {@code aborted}, {@code invalid} or {@code environment}
   *     (the run never deployed), as {@code run.json} and the exit codes say it
   * @param reason why it did not end ok (null when ok)
   * @param runDir its run folder (null when none was created)
   */
  record Result(String outcome, String reason, Path runDir) {
    public boolean ok() {
      return "ok".equals(outcome);
    }
  }

  /**
   * Runs {@code run} with its run folder under {@code runsDir}, telling {@code folderCreated} the
   * run folder as soon as it exists (before anything is deployed), and returns when the run is over
   * and cleaned up (faults healed, stack removed). A run that goes wrong is a result, not an
   * exception.
   *
   * @throws InterruptedException when the calling thread is interrupted
   */
  Result launch(PreparedRun run, Path runsDir, Consumer<Path> folderCreated) throws InterruptedException;

  /**
   * Asks the run in progress, if any, to abort (heal, remove its stack) and end; {@link #launch}
   * then returns its {@code aborted} result. Callable from any thread (a shutdown hook).
   */
  void abortCurrent(String reason);

  /**
   * Removes what a run cut off by a kill of the master may have left deployed (its stack, named by
   * its run ID; its faults were healed by its agent's dead-man switch). Called by {@code --resume}
   * for each cut-off run before anything runs; returns the problems (warnings), empty when nothing
   * was left or all of it was removed.
   */
  default java.util.List<String> removeLeftovers(String runId) {
    return java.util.List.of();
  }
}
