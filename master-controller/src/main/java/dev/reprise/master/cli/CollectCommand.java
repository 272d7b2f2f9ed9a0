package dev.reprise.master.cli;

import dev.reprise.master.hosts.HostsFile;
import dev.reprise.master.merge.RunCollector;
import dev.reprise.master.ssh.RemoteHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code master collect RUN --hosts hosts.yaml}: fetches the records a run's agents kept on their
 * hosts (e.g. after the master died and the agents' dead-man switches stopped them) and merges them
 * into the run folder. RUN is the run folder; its name is the run ID. Exit 0 when every host
 * delivered, 1 when some did not (the others are merged), 2 invalid arguments, 3 no host reachable.
 */
@Command(name = "collect", description = "Fetch a run's records from every host of the hosts file it used and merge them into the run folder.",
    mixinStandardHelpOptions = true)
public final class CollectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN", description = "the run folder (its name is the run ID)")
  Path runDir;

  @Mixin HostsOptions hostsOptions;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    HostsFile hosts = hostsOptions.parseOrReport(err);
    if (hosts == null) return ExitCodes.INVALID_INPUT;
    String runId = runDir.toAbsolutePath().normalize().getFileName().toString();
    var connected = new LinkedHashMap<String, RemoteHost>();
    var unreachable = new LinkedHashMap<String, String>();
    try {
      Files.createDirectories(runDir);
      var ssh = hostsOptions.connector(hosts);
      for (var spec : hosts.hosts()) {
        try {
          connected.put(spec.name(), ssh.connect(spec));
        } catch (IOException e) {
          unreachable.put(spec.name(), e.getMessage());
        }
      }
      if (connected.isEmpty()) {
        RunCollector.describe(unreachable).forEach(l -> err.println("error: " + l));
        err.flush();
        return ExitCodes.ENVIRONMENT;
      }
      var report = RunCollector.collect(runDir, runId, connected, unreachable);
      report.pulled().forEach((h, n) -> out.println(h + ": pulled " + n + " file(s)"));
      report.merged().forEach((kind, r) -> out.println(kind + ": " + r.records() + " records merged"
          + (r.garbled() > 0 ? ", " + r.garbled() + " garbled lines dropped" : "")
          + (r.outOfOrder() > 0 ? ", " + r.outOfOrder() + " out of order" : "")));
      RunCollector.describe(report.failed()).forEach(l -> err.println("warning: " + l));
      out.println(runDir);
      out.flush();
      err.flush();
      return report.failed().isEmpty() ? ExitCodes.OK : ExitCodes.RUN_FAILED;
    } catch (IOException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return ExitCodes.ENVIRONMENT;
    } finally {
      connected.values().forEach(RemoteHost::close);
    }
  }
}
