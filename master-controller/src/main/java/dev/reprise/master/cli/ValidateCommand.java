package dev.reprise.master.cli;

import dev.reprise.master.run.RunCoordinator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code master validate SCENARIO [--compose FILE] [--hosts FILE]}: checks the scenario and its
 * compose file without contacting anything: the scenario as {@code master run} loads and plans it,
 * and the compose file translated as {@code master run} deploys it ({@link ScenarioArgs#loadOrReport}),
 * so nothing {@code run} would refuse passes here; with {@code --hosts}, the hosts file too, and the
 * run's {@code ntp_server} (the scenario's, else the hosts file's) is a warning when it is a loopback
 * address for several hosts (each would measure its clock against itself). Exit 0 when valid
 * (warnings on stderr), 2 with every problem of every file as {@code FILE:LINE:COL: message}.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a scenario and its compose file; contacts nothing.")
public final class ValidateCommand implements Callable<Integer> {
  @Mixin ScenarioArgs args;
  @Spec CommandSpec spec;

  @Option(names = "--hosts", paramLabel = "FILE", description = "also check the hosts file of a multi-host run")
  Path hostsFile;

  @Override
  public Integer call() {
    try {
      return validate();
    } catch (OutOfMemoryError e) {
      ScenarioArgs.reportOutOfMemory(args.scenario(), spec.commandLine().getErr());
      return ExitCodes.INVALID_INPUT;
    }
  }

  private Integer validate() {
    var err = spec.commandLine().getErr();
    var loaded = args.loadOrReport(err);
    var hosts = hostsFile == null ? null : HostsOptions.parseOrReport(hostsFile, err);
    if (loaded == null || (hostsFile != null && hosts == null)) return ExitCodes.INVALID_INPUT;
    if (hosts != null && hosts.hosts().size() > 1) {
      String ntp = loaded.ntpServer().orElse(hosts.ntpServer());
      if (RunCoordinator.isLoopback(ntp)) {
        err.println(dev.reprise.fdsl.Diagnostic.printable(String.valueOf(loaded.ntpServer().isPresent() ? loaded.scenarioFile() : hosts.path())) + ": warning: ntp_server " + ntp
            + " is a loopback address: each of the " + hosts.hosts().size() + " hosts would measure its clock against itself,"
            + " not against one shared clock; name an address every host reaches");
        err.flush();
      }
    }
    var out = spec.commandLine().getOut();
    int events = loaded.scenario().moments().stream().mapToInt(m -> m.services().stream().mapToInt(s -> s.events().size()).sum()).sum();
    out.println(dev.reprise.fdsl.Diagnostic.printable(String.valueOf(loaded.scenarioFile())) + ": valid (" + loaded.scenario().moments().size() + " moments, " + events
        + " service events, compose " + dev.reprise.fdsl.Diagnostic.printable(String.valueOf(loaded.composeFile())) + ")");
    out.flush();
    return ExitCodes.OK;
  }
}
