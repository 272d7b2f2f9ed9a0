package dev.reprise.master.run;

import dev.reprise.master.agentlink.AgentConnection;
import dev.reprise.master.orchestrator.Orchestrator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agents of one run, as {@link RunCoordinator} sees them: the local engine has one (a child
 * process of the master on this machine, writing straight into the run folder), a multi-host run has one per host (over SSH, keeping
 * their records on their host until {@link #collect}). Called from the coordinator's thread only.
 */
public interface RunAgents {

  /**
   * Starts every agent of {@code runId}. The map's keys are host names in order; the first host is
   * the swarm manager (its agent records marks and does {@code start} actions). An
   * {@link IOException} means an agent could not be started (the run fails; nothing was armed).
   */
  Map<String, AgentConnection> start(String runId, Orchestrator.Cluster manager) throws IOException;

  /** The {@code records_dir} for the agent of {@code host}. */
  String recordsDir(String host, String runId, Path runDir);

  /** The {@code faults_dir} for the agent of {@code host}, null when the scenario has no {@code faults/} folder. */
  String faultsDir(String host, Path localFaults);

  /** True when the records stay on the hosts and {@link #collect} must bring them into the run folder. */
  boolean remote();

  /**
   * Brings every host's records into {@code runDir} and merges them, after every agent stopped.
   * Returns one line per host that did not deliver (the others are merged); an {@link IOException}
   * means the run folder could not be written.
   */
  List<String> collect(Path runDir, String runId) throws IOException;

  /** The local engine: one agent, started by {@code launcher}, named after the local engine's host. */
  static RunAgents local(RunCoordinator.AgentLauncher launcher) {
    return new RunAgents() {
      @Override
      public Map<String, AgentConnection> start(String runId, Orchestrator.Cluster manager) throws IOException {
        var agents = new LinkedHashMap<String, AgentConnection>();
        agents.put(manager.hostname() == null ? "local" : manager.hostname(), launcher.start(runId));
        return agents;
      }

      @Override
      public String recordsDir(String host, String runId, Path runDir) {
        return runDir.toString();
      }

      @Override
      public String faultsDir(String host, Path localFaults) {
        Path faults = localFaults == null ? null : localFaults.toAbsolutePath();
        return faults != null && Files.isDirectory(faults) ? faults.toString() : null;
      }

      @Override
      public boolean remote() {
        return false;
      }

      @Override
      public List<String> collect(Path runDir, String runId) {
        return List.of(); // the local agent wrote into the run folder itself
      }
    };
  }
}
