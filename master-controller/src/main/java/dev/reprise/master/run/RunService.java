package dev.reprise.master.run;

import dev.reprise.master.deploy.IpvsProbe;
import dev.reprise.master.deploy.SwarmCluster;
import dev.reprise.master.run.time.Ticker;
import dev.reprise.master.run.time.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts runs and hands out their {@link RunHandle}s: what the CLI, and later campaigns and an
 * HTTP API, use to start, watch and stop a run without a terminal. Each run gets its own
 * coordinator on its own thread. Thread-safe.
 */
public final class RunService {

  /**
   * Where a run goes: the swarm manager's engine, the run's agents (the local engine's one, or one
   * per host over SSH), the IP_VS probe of the manager's kernel, and the timings. Built by the caller
   * (the CLI prepares a multi-host cluster over SSH first); it stays the caller's to close.
   */
  public record Target(SwarmCluster cluster, RunAgents agents, IpvsProbe ipvs, RunSettings settings) {}

  private final RunCoordinator.RunExporter exporter;
  private final Time time;
  private final Ticker ticker;
  private final Map<String, String> environment;

  /** {@code environment}: the variables compose files are interpolated with. */
  public RunService(RunCoordinator.RunExporter exporter, Time time, Ticker ticker, Map<String, String> environment) {
    this.exporter = exporter;
    this.time = time;
    this.ticker = ticker;
    this.environment = Map.copyOf(environment);
  }

  /**
   * Starts {@code request} on {@code target} at once, on a new thread, and returns its handle.
   * {@code listeners} hear everything the run tells (on the run's thread); the handle's own
   * progress listener comes first.
   */
  public RunHandle start(RunRequest request, Target target, List<RunListener> listeners) {
    var abort = new AbortSignal();
    var progress = new RunHandle.ProgressTracker(request.plan().actions().size());
    var all = new ArrayList<RunListener>();
    all.add(progress);
    all.addAll(listeners);
    var coordinator = new RunCoordinator(target.cluster(), target.agents(), exporter, time, ticker, target.ipvs(), environment,
        target.settings(), abort, all);
    return RunHandle.start(coordinator, request, abort, progress);
  }
}
