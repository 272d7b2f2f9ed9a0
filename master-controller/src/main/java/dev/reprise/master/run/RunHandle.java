package dev.reprise.master.run;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.master.run.RunCoordinator.State;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run in progress, as {@link RunService#start} returns it: watch it ({@link #state},
 * {@link #progress}), stop it ({@link #abort}) and wait for it ({@link #await}). The run itself goes
 * on on its own thread. Thread-safe: any thread may call any method.
 */
public final class RunHandle {

  /**
   * Where a run is, as a snapshot.
   *
   * @param state the coordinator's state
   * @param runId the run's ID once its folder exists, else null
   * @param runDir its folder, else null
   * @param t0 the start instant once armed, else null
   * @param actionsPlanned how many actions the plan holds
   * @param actionsFired how many action reports the agents sent so far (a multi-host action may be reported by several)
   * @param lastAction the last report, or null
   */
  public record Progress(State state, String runId, Path runDir, Instant t0, int actionsPlanned, int actionsFired,
      AgentMessage.Progress lastAction) {}

  /** Keeps {@link Progress} up to date from the run's events (the first listener of every run). */
  static final class ProgressTracker implements RunListener {
    private volatile Progress now;

    ProgressTracker(int actionsPlanned) {
      now = new Progress(State.NEW, null, null, null, actionsPlanned, 0, null);
    }

    @Override
    public void stateChanged(State from, State to) {
      var p = now;
      now = new Progress(to, p.runId(), p.runDir(), p.t0(), p.actionsPlanned(), p.actionsFired(), p.lastAction());
    }

    @Override
    public void deploying(String runId, Path runDir) {
      var p = now;
      now = new Progress(p.state(), runId, runDir, p.t0(), p.actionsPlanned(), p.actionsFired(), p.lastAction());
    }

    @Override
    public void armed(Instant t0, Map<String, AgentMessage.Armed> byHost) {
      var p = now;
      now = new Progress(p.state(), p.runId(), p.runDir(), t0, p.actionsPlanned(), p.actionsFired(), p.lastAction());
    }

    @Override
    public void actionFired(String host, AgentMessage.Progress progress, long elapsedMillis) {
      var p = now;
      now = new Progress(p.state(), p.runId(), p.runDir(), p.t0(), p.actionsPlanned(), p.actionsFired() + 1, progress);
    }
  }

  private final AbortSignal abort;
  private final ProgressTracker progress;
  private final CompletableFuture<RunCoordinator.Result> result = new CompletableFuture<>();

  private RunHandle(AbortSignal abort, ProgressTracker progress) {
    this.abort = abort;
    this.progress = progress;
  }

  /** Runs {@code coordinator} on a new (non-daemon) thread named after the run. */
  static RunHandle start(RunCoordinator coordinator, RunRequest request, dev.reprise.master.orchestrator.Orchestrator.Translation translated,
      AbortSignal abort, ProgressTracker progress) {
    var handle = new RunHandle(abort, progress);
    for (var l : coordinator.listeners()) {
      try {
        l.attached(handle);
      } catch (RuntimeException e) {
        // as for every listener call: a listener's failure is not the run's
      }
    }
    var thread = new Thread(() -> {
      try {
        handle.result.complete(coordinator.run(request, translated));
      } catch (Throwable e) {
        handle.result.completeExceptionally(e);
      }
    }, "run-" + request.name());
    thread.start();
    return handle;
  }

  public State state() {
    return progress.now.state();
  }

  public Progress progress() {
    return progress.now;
  }

  /**
   * Asks the run to stop: the agents heal every active fault, the stack is removed and the run
   * folder says {@code aborted}. The first reason wins; returns at once (use {@link #await}).
   */
  public void abort(String reason) {
    abort.abort(reason);
  }

  /**
   * As {@link #abort(String)}, because a safety condition tripped: {@code trip} (which condition,
   * the values, when) goes into {@code run.json} when this is the first abort asked for.
   */
  public void abort(String reason, dev.reprise.fdsl.record.RunManifest.SafetyTrip trip) {
    abort.abort(reason, trip);
  }

  /**
   * A line for the run's listeners from any thread (the safety loop's warnings): the run passes it
   * to them on its own thread within a fraction of a second, as it passes its own lines.
   */
  public void note(RunListener.Level level, String text) {
    abort.note(level, text);
  }

  /** True once the run folder is final (the run ended, however). */
  public boolean finished() {
    return abort.isFinished();
  }

  /**
   * Waits until the run ended and returns how. An unexpected error of the coordinator (a bug of
   * ours) is rethrown as an {@link IllegalStateException}.
   */
  public RunCoordinator.Result await() throws InterruptedException {
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the run failed unexpectedly: " + e.getCause(), e.getCause());
    }
  }

  /** As {@link #await()}, waiting at most {@code timeout}; empty when the run has not ended by then. */
  public Optional<RunCoordinator.Result> await(Duration timeout) throws InterruptedException {
    try {
      return Optional.of(result.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the run failed unexpectedly: " + e.getCause(), e.getCause());
    }
  }
}
