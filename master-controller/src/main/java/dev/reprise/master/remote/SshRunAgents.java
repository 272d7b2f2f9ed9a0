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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

  /**
   * Starts every host's agent at once (one thread per host: each opens an exec channel and starts a
   * JVM, seconds each) and returns them in the hosts file's order. When any host fails, the agents
   * that did start are closed and the {@link IOException} names every host that failed.
   */
  @Override
  public Map<String, AgentConnection> start(String runId, Orchestrator.Cluster manager) throws IOException {
    var pool = Executors.newFixedThreadPool(Math.max(1, hosts.size()), r -> {
      var t = new Thread(r, "agent-start");
      t.setDaemon(true);
      return t;
    });
    try {
      var pending = new LinkedHashMap<String, Future<AgentConnection>>();
      hosts.forEach((name, host) -> pending.put(name, pool.submit(() -> SshAgent.start(host, exitWait))));
      var started = new LinkedHashMap<String, AgentConnection>();
      var failures = new ArrayList<String>();
      IOException first = null;
      for (var e : pending.entrySet()) {
        try {
          started.put(e.getKey(), e.getValue().get());
        } catch (ExecutionException x) {
          var cause = x.getCause();
          failures.add(e.getKey() + ": " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
          if (first == null && cause instanceof IOException io) first = io;
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
          failures.add(e.getKey() + ": interrupted while starting its agent");
        }
      }
      if (!failures.isEmpty()) {
        started.values().forEach(AgentConnection::close);
        if (failures.size() == 1 && first != null) throw first;
        throw new IOException(String.join("; ", failures), first);
      }
      return started;
    } finally {
      pool.shutdownNow();
    }
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
