package dev.reprise.agent.inject;

import dev.reprise.agent.runtime.ExecResult;
import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.agent.runtime.RuntimeTimeout;
import dev.reprise.fdsl.model.CustomFault;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code custom}: copies {@code <faults_dir>/<fault_file_name>} into the container at
 * {@code fault_file_folder} (engine archive API, folder created) and runs
 * {@code executable executable_arguments… path fault_script_arguments…} inside it, waiting for it
 * to end. The running script is in the journal: heal (end of run, abort, dead-man) kills it and its
 * children on the host. Records the exit code and the last {@value #OUTPUT_TAIL} characters of output.
 */
public final class CustomInjector implements Injector<CustomFault> {
  static final int OUTPUT_TAIL = 4000;

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
    ctx.journal().register(key, () -> {
      if (!killed.compareAndSet(false, true)) return;
      long p = pid != 0 ? pid : exec.hostPid();
      if (p != 0) ctx.host().kill(p);
    }, null);
    ExecResult result;
    try {
      result = exec.await(Duration.ofDays(1));
    } catch (RuntimeTimeout e) {
      return new TargetResult(null, ExecResult.tail(e.captured(), OUTPUT_TAIL),
          Outcome.unknown("script " + fault.faultFileName() + " did not end: " + e.getMessage()));
    }
    ctx.journal().forget(key);
    var tail = ExecResult.tail(result.output(), OUTPUT_TAIL);
    if (killed.get()) {
      return new TargetResult(result.exitCode(), tail,
          Outcome.unknown("script " + fault.faultFileName() + " was still running at heal and was killed"));
    }
    return new TargetResult(result.exitCode(), tail, Outcome.OK);
  }
}
