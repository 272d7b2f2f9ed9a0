package dev.reprise.master.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code master validate SCENARIO [--compose FILE]}: checks the scenario and its compose file
 * without contacting anything: the scenario as {@code master run} loads and plans it, and the compose
 * file translated as {@code master run} deploys it ({@link ScenarioArgs#loadOrReport}), so nothing
 * {@code run} would refuse passes here. Exit 0 when valid (compose warnings on stderr), 2 with every
 * problem of both files as {@code FILE:LINE:COL: message}.
 */
@Command(name = "validate", description = "Check a scenario and its compose file; contacts nothing.")
public final class ValidateCommand implements Callable<Integer> {
  @Mixin ScenarioArgs args;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var loaded = args.loadOrReport(spec.commandLine().getErr());
    if (loaded == null) return ExitCodes.INVALID_INPUT;
    var out = spec.commandLine().getOut();
    int events = loaded.scenario().moments().stream().mapToInt(m -> m.services().stream().mapToInt(s -> s.events().size()).sum()).sum();
    out.println(loaded.scenarioFile() + ": valid (" + loaded.scenario().moments().size() + " moments, " + events
        + " service events, compose " + loaded.composeFile() + ")");
    out.flush();
    return ExitCodes.OK;
  }
}
