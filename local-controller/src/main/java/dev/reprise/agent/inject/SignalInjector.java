package dev.reprise.agent.inject;

import dev.reprise.fdsl.model.SignalFault;

/** {@code signal}: the named signal to the container's main process (nothing to heal). */
public final class SignalInjector implements Injector<SignalFault> {
  @Override
  public TargetResult apply(InjectionContext ctx, int seq, java.time.Instant planned, Target target, SignalFault fault) {
    ctx.runtime().kill(target.container().id(), fault.signal());
    return TargetResult.OK;
  }
}
