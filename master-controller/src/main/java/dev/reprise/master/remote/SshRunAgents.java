package dev.reprise.master.remote;

import dev.reprise.master.agentlink.AgentConnection;
import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.merge.RunCollector;
import dev.reprise.master.run.RunAgents;
import dev.reprise.master.ssh.RemoteHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link RunAgents} of a multi-host run: one agent per connected host, started over an SSH exec
 * channel ({@link SshAgent}), recording under {@link SshAgent#recordsDir} on its host and
 * using the fault scripts {@code master cluster up} shipped to {@link SshAgent#faultsDir}. At the
 * end {@link #collect} pulls every host's records over SFTP and merges them into the run folder
 * ({@link RunCollector}). The connections belong to the caller (they stay open after the run).
 */
public final class SshRunAgents implements RunAgents {
  private final Map<String, RemoteHost> hosts;
  private final Duration exitWait;

  /** {@code hosts} in the hosts file's order (the first is the manager); {@code exitWait}: how long closing waits for each agent to end. */
  public SshRunAgents(Map<String, RemoteHost> hosts, Duration exitWait) {
    this.hosts = new LinkedHashMap<>(hosts);
    this.exitWait = exitWait;
  }

  @Override
  public Map<String, AgentConnection> start(String runId, Orchestrator.Cluster manager) throws IOException {
    var started = new LinkedHashMap<String, AgentConnection>();
    try {
      for (var e : hosts.entrySet()) started.put(e.getKey(), SshAgent.start(e.getValue(), exitWait));
    } catch (IOException e) {
      started.values().forEach(AgentConnection::close);
      throw e;
    }
    return started;
  }

  @Override
  public String recordsDir(String host, String runId, Path runDir) {
    return SshAgent.recordsDir(hosts.get(host).spec(), runId);
  }

  @Override
  public String faultsDir(String host, Path localFaults) {
    // shipped by ClusterManager.up from the scenario's faults/ folder when it had one
    return localFaults != null && Files.isDirectory(localFaults) ? SshAgent.faultsDir(hosts.get(host).spec()) : null;
  }

  @Override
  public boolean remote() {
    return true;
  }

  @Override
  public List<String> collect(Path runDir, String runId) throws IOException {
    var report = RunCollector.collect(runDir, runId, hosts, Map.of());
    return RunCollector.describe(report.failed());
  }
}
