package dev.reprise.agent.inject;

import dev.reprise.fdsl.model.SignalFault;

/** {@code signal}: the named signal to the container's main process (nothing to heal). */
public final class SignalInjector implements Injector<SignalFault> {
  @Override
  public TargetResult apply(InjectionContext ctx, FaultApplication<SignalFault> application) {
    ctx.runtime().kill(application.target().container().id(), application.fault().signal());
    return TargetResult.OK;
  }
}
