package dev.reprise.master.run;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.master.run.RunCoordinator.State;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Everything a run tells the world. The terminal's progress line ({@link ProgressView}) is one
 * listener; a campaign runner, an HTTP API or metrics add others.
 *
 * <p>Contract: every method is called on the run's coordinator thread, in the order things
 * happened, and must return quickly (hand slow work to a thread of your own). An exception thrown
 * by a listener is not the run's problem: it is dropped and the run goes on. Every method has an
 * empty default, so a listener implements only what it needs.
 */
public interface RunListener {

  /** How much a {@link #message} matters. */
  enum Level { INFO, WARNING, ERROR }

  /**
   * The run's handle, once, before anything else and before the run's thread starts (on the
   * starting thread): for a listener that may stop the run ({@link RunHandle#abort}), such as the
   * safety loop.
   */
  default void attached(RunHandle handle) {}

  /** The coordinator moved from {@code from} to {@code to} (see {@link RunCoordinator.State}). */
  default void stateChanged(State from, State to) {}

  /**
   * A line for a human: what the run is doing, a warning, an error, an agent's log. {@code text}
   * is the whole line as a terminal shows it ({@code warning: }/{@code error: } prefixes included).
   */
  default void message(Level level, String text) {}

  /**
   * Every agent answered pre-flight ({@code byHost}: engine, clock, features, problems), before
   * anything was deployed; when any report has problems the run ends next, with nothing deployed.
   */
  default void preflight(Map<String, AgentMessage.PreflightReport> byHost) {}

  /** The run folder exists and the stack is being deployed under the run's ID. */
  default void deploying(String runId, Path runDir) {}

  /** Every agent armed for T0; {@code byHost} is each agent's confirmation (its alive counts, its clock offset). */
  default void armed(Instant t0, Map<String, AgentMessage.Armed> byHost) {}

  /** {@code host}'s agent fired an action ({@code progress} says which, its outcome and firing error). */
  default void actionFired(String host, AgentMessage.Progress progress, long elapsedMillis) {}

  /** {@code host}'s agent ended the run, having healed {@code ended.healed()} active faults. */
  default void agentEnded(String host, AgentMessage.Ended ended, long elapsedMillis) {}

  /** {@code host}'s agent passed on a workload's per-second line (see {@link AgentMessage.WorkloadSample}). */
  default void workloadSample(String host, AgentMessage.WorkloadSample sample) {}

  /** Once per heartbeat interval while the run runs: time for a progress line to redraw. */
  default void tick(long elapsedMillis) {}

  /** The run is over: the run folder (if any) is final. The last call a listener gets. */
  default void ended(RunCoordinator.Result result) {}
}
