package dev.reprise.agent.inject;

import dev.reprise.fdsl.model.FaultSpec;

/**
 * Applies one fault type to one container. Called on an injector pool thread, one call per local
 * target container of the action (through {@link Injectors#apply}). A lasting effect is registered
 * with {@link InjectionContext#journal()} before the call returns or blocks, so it is healed whatever
 * happens next.
 *
 * <p>Exceptions: {@link dev.reprise.agent.runtime.RuntimeFailure} means it did not take effect
 * ({@code failed}), {@link dev.reprise.agent.runtime.RuntimeTimeout} that it may have
 * ({@code unknown}).
 */
public interface Injector<F extends FaultSpec> {
  /** Applies {@code application.fault()} to {@code application.target()}. */
  TargetResult apply(InjectionContext ctx, FaultApplication<F> application) throws InterruptedException;

  /**
   * What one target's injection produced.
   *
   * @param exitCode a custom script's exit code (null otherwise)
   * @param output the tail of a custom script's output (null otherwise)
   * @param outcome the target's outcome when not plain ok (e.g. a script killed at heal: unknown)
   * @param mechanism how the fault was applied when its type has several ways (e.g. {@code netem},
   *     {@code nfqueue+iptables}), null otherwise; written to the timeline record
   */
  record TargetResult(Integer exitCode, String output, Outcome outcome, String mechanism) {
    public static final TargetResult OK = new TargetResult(null, null, Outcome.OK, null);

    public TargetResult(Integer exitCode, String output, Outcome outcome) {
      this(exitCode, output, outcome, null);
    }

    /** Applied, by {@code mechanism}. */
    public static TargetResult okBy(String mechanism) {
      return new TargetResult(null, null, Outcome.OK, mechanism);
    }
  }
}
