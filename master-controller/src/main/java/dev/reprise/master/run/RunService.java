package dev.reprise.master.run;

import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.run.time.Ticker;
import dev.reprise.time.Time;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts runs and hands out their {@link RunHandle}s: what the CLI, and later campaigns and an
 * HTTP API, use to start, watch and stop a run without a terminal. Each run gets its own
 * coordinator on its own thread. Thread-safe.
 */
public final class RunService {

  /**
   * Where a run goes: the orchestrator that deploys its stack (Swarm through the manager's engine),
   * the run's agents (the local engine's one, or one per host over SSH), and the timings. Built by
   * the caller (the CLI prepares a multi-host cluster over SSH first); it stays the caller's to close.
   */
  public record Target(Orchestrator orchestrator, RunAgents agents, RunSettings settings) {}

  private final RunCoordinator.RunExporter exporter;
  private final Time time;
  private final Ticker ticker;

  public RunService(RunCoordinator.RunExporter exporter, Time time, Ticker ticker) {
    this.exporter = exporter;
    this.time = time;
    this.ticker = ticker;
  }

  /**
   * Starts {@code request} on {@code target} at once, on a new thread, and returns its handle.
   * {@code listeners} hear everything the run tells (on the run's thread); the handle's own
   * progress listener comes first. A caller adds the run's safety loop ({@code SafetyLoop.forRun})
   * to {@code listeners}.
   */
  public RunHandle start(RunRequest request, Target target, List<RunListener> listeners) {
    return start(request, null, target, listeners);
  }

  /**
   * As {@link #start(RunRequest, Target, List)}, with the compose file already translated by the
   * caller ({@code translated}; null: the run translates it), so it is translated once per run.
   */
  public RunHandle start(RunRequest request, Orchestrator.Translation translated, Target target, List<RunListener> listeners) {
    var abort = new AbortSignal();
    var progress = new RunHandle.ProgressTracker(request.plan().actions().size());
    var all = new ArrayList<RunListener>();
    all.add(progress);
    all.addAll(listeners);
    var coordinator = new RunCoordinator(target.orchestrator(), target.agents(), exporter, time, ticker, target.settings(), abort, all);
    return RunHandle.start(coordinator, request, translated, abort, progress);
  }
}
