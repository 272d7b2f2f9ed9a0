package dev.reprise.agent.inject;

import dev.reprise.agent.heal.UndoStep;
import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.agent.runtime.RuntimeTimeout;
import dev.reprise.fdsl.model.RestartFault;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code restart}: stops the target container through the engine (SIGTERM, SIGKILL after
 * {@code grace}, else the run's stop grace; blocks until it stopped) and starts the <em>same</em>
 * container again ({@code runtime.start}: same container ID, same volumes and file system, so the
 * same FDSL ID) {@code duration} after the action's planned instant (0: as soon as it stopped), at
 * the latest at the run's end. The start is the heal: it is in the on-disk heal journal before the
 * stop ({@link UndoStep.StartContainer}), so a container stopped by an agent that died is started
 * by its watchdog or its next start. A heal that comes while the stop is still under way (the run
 * ends, or the agent died mid-stop and its watchdog replays the step) waits for it, at most the
 * grace and {@link #STOP_SLACK}, so the start does not find the container still running and leave
 * it stopped. Mechanism {@value #MECHANISM}.
 *
 * <p>Swarm (checked on Docker 20.10 with restart condition {@code none}, as runs deploy services;
 * {@code ResourceFaultsIT}): when the engine stops a task container, the task goes to
 * {@code Complete} (desired state {@code Shutdown}) and Swarm creates no replacement; the engine's
 * start (or its restart endpoint, which behaves the same) runs that container again, same ID,
 * labels, slot and volumes, and Swarm leaves it running. Swarm's own view is not updated: the task
 * stays {@code Complete}, so {@code docker service ps} (and the master's task-based placement)
 * shows the slot as ended while its container runs; the agent resolves FDSL IDs from the
 * container's labels, which still name the slot.
 */
public final class RestartInjector implements Injector<RestartFault> {
  static final String MECHANISM = "engine-stop-start";
  /** How much longer than the grace a heal waits for a stop that is still under way. */
  static final Duration STOP_SLACK = Duration.ofSeconds(15);

  @Override
  public TargetResult apply(InjectionContext ctx, FaultApplication<RestartFault> application) {
    var c = Lasting.running(application);
    var fault = application.fault();
    var grace = fault.graceMillis() != null ? Duration.ofMillis(fault.graceMillis()) : ctx.stopGrace();
    var key = application.journalKey();
    var stopReturned = new CountDownLatch(1);
    ActiveFault awaitStop = () -> {
      try {
        stopReturned.await(grace.plus(STOP_SLACK).toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    // Due at the run's end until the stop returned; then at planned + down.
    var start = new UndoStep.StartContainer(c.id(), grace.plus(STOP_SLACK).toMillis());
    ctx.journal().registerDurable(key, MECHANISM, List.of(start), awaitStop, ctx.runEnd());
    var startAt = Lasting.end(ctx, application, fault.downMillis());
    try {
      ctx.runtime().stop(c.id(), grace);
    } catch (RuntimeFailure e) {
      stopReturned.countDown();
      // Refused: started again at once should it have stopped anyway.
      ctx.journal().withdraw(key);
      throw e;
    } catch (RuntimeTimeout e) {
      stopReturned.countDown();
      ctx.journal().reschedule(key, startAt);
      throw e;
    }
    stopReturned.countDown();
    ctx.journal().reschedule(key, startAt);
    return TargetResult.okBy(MECHANISM);
  }
}
