package dev.reprise.master.cli;

import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.plan.PlanJson;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code master plan SCENARIO [--compose FILE] [--seed N] [--json]}: prints the resolved timeline.
 * The same files and seed always print the same bytes. The scenario and compose file are checked
 * as {@code master validate} checks them first ({@link ScenarioArgs#loadOrReport}).
 */
@Command(name = "plan", mixinStandardHelpOptions = true, description = "Print the resolved timeline: every action, its targets, the alive sets.")
public final class PlanCommand implements Callable<Integer> {
  @Mixin ScenarioArgs args;
  @Spec CommandSpec spec;

  @Option(names = "--seed", paramLabel = "N", description = "Override environment.seed.")
  Long seed;

  @Option(names = "--json", description = "Print the plan as JSON (the form agents receive).")
  boolean json;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    try {
      var loaded = args.loadOrReport(err);
      if (loaded == null) return ExitCodes.INVALID_INPUT;
      var plan = loaded.plan(seed);
      var out = spec.commandLine().getOut();
      if (json) {
        PlanJson.write(plan, out); // streamed: the plan's text is never held whole
        out.print("\n");
      } else {
        PlanText.render(plan, loaded.scenarioFile().toString(), out);
      }
      out.flush();
      return ExitCodes.OK;
    } catch (ScenarioException e) {
      ScenarioArgs.report(e, err);
      return ExitCodes.INVALID_INPUT;
    } catch (OutOfMemoryError e) {
      ScenarioArgs.reportOutOfMemory(args.scenario(), err);
      return ExitCodes.INVALID_INPUT;
    }
  }
}
