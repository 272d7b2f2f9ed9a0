package dev.reprise.agent.inject;

import dev.reprise.agent.heal.UndoStep;
import dev.reprise.agent.runtime.ExecResult;
import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.agent.runtime.RuntimeTimeout;
import dev.reprise.fdsl.model.CustomFault;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code custom}: copies {@code <faults_dir>/<fault_file_name>} into the container at
 * {@code fault_file_folder} (engine archive API, folder created) and runs
 * {@code executable executable_arguments… path fault_script_arguments…} inside it, waiting for it
 * to end. The running script is in the journal: heal (end of run, abort, dead-man) kills it and its
 * children on the host. Records the exit code and the last {@value #OUTPUT_TAIL} characters of output.
 *
 * <p>With {@link CustomFault#maxDurationMillis()} (the planner's cap from
 * {@code environment.safety.max_fault_duration}) the script is also killed at the action's planned
 * instant + that duration (journal TTL, never after the run's end), which the journal records as the
 * fault's heal; the kill ({@link UndoStep.KillProcess}, guarded by the container's main PID) is then
 * in the on-disk heal journal too, written as soon as the engine reports the script's host PID, so
 * the watchdog or the agent's next start kills the script when this agent dies. Mechanism
 * {@value #MECHANISM} then. Without a cap the script runs until it ends by itself or the run heals.
 */
public final class CustomInjector implements Injector<CustomFault> {
  static final int OUTPUT_TAIL = 4000;
  /** The mechanism of a capped script (its kill is journaled on disk). */
  static final String MECHANISM = "engine-exec";

  @Override
  public TargetResult apply(InjectionContext ctx, FaultApplication<CustomFault> application) throws InterruptedException {
    var fault = application.fault();
    if (ctx.faultsDir() == null) {
      throw new RuntimeFailure("no faults folder was shipped to this host (faults_dir is null), cannot run " + fault.faultFileName());
    }
    var script = ctx.faultsDir().resolve(fault.faultFileName());
    if (!Files.isRegularFile(script)) {
      throw new RuntimeFailure("fault script " + script + " does not exist on this host");
    }
    var c = application.target().container();
    var rt = ctx.runtime();
    rt.copyFile(c.id(), script, fault.faultFileFolder(), fault.faultFileName());
    var exec = rt.exec(c.id(), fault.commandLine());
    var killed = new AtomicBoolean();
    long pid = exec.hostPid();
    var key = application.journalKey();
    ActiveFault stop = () -> {
      if (!killed.compareAndSet(false, true)) return;
      long p = pid != 0 ? pid : exec.hostPid();
      if (p != 0) ctx.host().kill(p);
    };
    Long cap = fault.maxDurationMillis();
    Instant capEnd = cap == null ? null : Lasting.end(ctx, application, cap);
    String mechanism = null;
    if (cap != null && pid != 0 && ctx.journal().durable()) {
      mechanism = MECHANISM;
      try {
        // The undo step is the kill (once); in process the heal only notes it, before the kill ends the script.
        ctx.journal().registerDurable(key, MECHANISM, List.of(new UndoStep.KillProcess(pid, c.id(), c.pid())),
            () -> killed.set(true), capEnd);
      } catch (RuntimeFailure e) {
        // The script already runs and nothing could undo it after a crash: stop it now.
        stop.heal();
        awaitQuietly(exec);
        return new TargetResult(null, null, Outcome.unknown("script " + fault.faultFileName()
            + " was started but killed at once: " + e.getMessage()), MECHANISM);
      }
    } else {
      // No cap, or no host PID to journal (the script may have ended already): the kill at the cap is in memory only.
      ctx.journal().register(key, stop, capEnd);
    }
    ExecResult result;
    try {
      result = exec.await(Duration.ofDays(1));
    } catch (RuntimeTimeout e) {
      return new TargetResult(null, ExecResult.tail(e.captured(), OUTPUT_TAIL),
          Outcome.unknown("script " + fault.faultFileName() + " did not end: " + e.getMessage()), mechanism);
    }
    ctx.journal().forget(key);
    var tail = ExecResult.tail(result.output(), OUTPUT_TAIL);
    if (killed.get()) {
      if (capEnd != null && !ctx.journal().now().isBefore(capEnd)) {
        return new TargetResult(result.exitCode(), tail, Outcome.unknown("script " + fault.faultFileName()
            + " was still running at its cap of " + dev.reprise.fdsl.model.Durations.format(cap) + " (max_fault_duration) and was killed"), mechanism);
      }
      return new TargetResult(result.exitCode(), tail,
          Outcome.unknown("script " + fault.faultFileName() + " was still running at heal and was killed"), mechanism);
    }
    return new TargetResult(result.exitCode(), tail, Outcome.OK, mechanism);
  }

  private static void awaitQuietly(dev.reprise.agent.runtime.RunningExec exec) throws InterruptedException {
    try {
      exec.await(Duration.ofSeconds(5));
    } catch (RuntimeException ignored) {
      // killed; whatever it printed is not worth more than the journal's failure
    }
  }
}
