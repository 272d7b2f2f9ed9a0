package dev.reprise.master.runqueue;

import dev.reprise.fdsl.LoadedScenario;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.master.campaign.RunLauncher;
import dev.reprise.master.run.RunListener;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs one queued run to its end: the port {@link PersistentRunQueue}'s worker drives. The real one
 * ({@code cli.CommandRunLauncher}) goes through {@code master run}'s own path (RunService, the
 * terminal-free listeners, export, catalog recording; the local engine or the hosts file's hosts);
 * tests use a hand-written fake. Called on the queue's worker thread, one run at a time.
 */
public interface QueueLauncher {

  /**
   * One run to launch.
   *
   * @param name the run's name (its folder and stack are named after it)
   * @param loaded the submission's scenario, loaded from its folder under the server's state dir
   * @param plan its plan under {@code seed}
   * @param seed the seed the plan was drawn from
   * @param outDir the parent of the run folder
   * @param listener hears everything the run tells, on the run's coordinator thread ({@link RunListener}'s
   *     contract), {@link RunListener#attached} included
   */
  record Launch(String name, LoadedScenario loaded, Plan plan, long seed, Path outDir, RunListener listener) {}

  /**
   * Runs {@code launch} and returns when it is over and cleaned up (faults healed, stack removed,
   * folder exported and catalogued). A run that goes wrong, or cannot start, is a result
   * ({@code invalid}/{@code environment} when it never deployed), not an exception.
   *
   * @throws InterruptedException when the calling thread is interrupted
   */
  RunLauncher.Result launch(Launch launch) throws InterruptedException;

  /**
   * Asks {@code launch}'s run to abort (healed, stack removed, as by Ctrl-C): at once when it is in
   * progress, as soon as it starts when {@link #launch} was not called yet, never when it is over
   * (no other run is affected). Any thread.
   */
  void abort(Launch launch, String reason);

  /**
   * Removes the stack {@code runId} a run cut off by the server's death may have left; returns the
   * problems (warnings), empty when nothing was left or all of it was removed.
   */
  List<String> removeLeftovers(String runId);

  /** The cluster runs go to, as the catalog names it ({@code local}, or the swarm manager's host name). */
  String cluster();
}
