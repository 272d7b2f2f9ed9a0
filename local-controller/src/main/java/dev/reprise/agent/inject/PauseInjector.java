package dev.reprise.agent.inject;

import dev.reprise.agent.heal.UndoStep;
import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.fdsl.model.PauseFault;
import java.util.List;

/**
 * {@code pause}: freezes every process of the target container with the engine's pause (the cgroup
 * freezer) and thaws it after {@code duration} (journal TTL, from the action's planned instant,
 * never after the run's end) or at heal. The unpause is in the on-disk heal journal before the
 * pause is asked for ({@link UndoStep.Unpause}), so a container paused by an agent that died is
 * thawed by its watchdog or its next start. Mechanism {@value #MECHANISM}.
 */
public final class PauseInjector implements Injector<PauseFault> {
  static final String MECHANISM = "engine-pause";

  @Override
  public TargetResult apply(InjectionContext ctx, FaultApplication<PauseFault> application) {
    var c = Lasting.running(application);
    var key = application.journalKey();
    ctx.journal().registerDurable(key, MECHANISM, List.of(new UndoStep.Unpause(c.id())), null,
        Lasting.end(ctx, application, application.fault().durationMillis()));
    try {
      ctx.runtime().pause(c.id());
    } catch (RuntimeFailure e) {
      // Not paused: nothing lasts (an engine timeout may have paused it: the TTL heal stays).
      ctx.journal().withdraw(key);
      throw e;
    }
    return TargetResult.okBy(MECHANISM);
  }
}
