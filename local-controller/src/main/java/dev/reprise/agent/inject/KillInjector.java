package dev.reprise.agent.inject;

import dev.reprise.fdsl.model.KillFault;

/** {@code kill}: SIGKILL to the container's main process; the container ends (nothing to heal). */
public final class KillInjector implements Injector<KillFault> {
  @Override
  public TargetResult apply(InjectionContext ctx, FaultApplication<KillFault> application) {
    ctx.runtime().kill(application.target().container().id(), "SIGKILL");
    return TargetResult.OK;
  }
}
