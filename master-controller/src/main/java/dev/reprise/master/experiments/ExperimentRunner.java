package dev.reprise.master.experiments;

import dev.reprise.fdsl.LoadedScenario;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.master.run.RunListener;
import java.util.List;

/**
 * Starts the run that carries out one experiment (the real one: {@link EngineExperimentRunner}, through
 * {@code RunService} with an {@link AttachedStackOrchestrator}; tests use a fake that records the
 * launches and plays the run's events).
 */
public interface ExperimentRunner {

  /**
   * One experiment's run.
   *
   * @param name the run's name (its folder is {@code NAME-<stamp>})
   * @param loaded the synthesized scenario, loaded and checked
   * @param plan its plan
   * @param stack every service of the target's stack as it runs
   */
  record Launch(String name, LoadedScenario loaded, Plan plan, List<LiveStacks.LiveService> stack) {}

  /**
   * Starts {@code launch} at once; {@code listener} hears the run's events (on the run's thread) and
   * last {@link RunListener#ended}, which it always gets once this returned.
   *
   * @throws ExperimentException.Unavailable when the cluster or the agents cannot be reached to start it
   */
  Started start(Launch launch, RunListener listener) throws ExperimentException;

  /** A started run. */
  interface Started {
    /** Asks the run to stop: its agents heal every active fault; returns at once. */
    void abort(String reason);
  }
}
