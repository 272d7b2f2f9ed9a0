package dev.reprise.master.remote;

import dev.reprise.master.agentlink.AgentConnection;
import dev.reprise.master.agentlink.ProcessAgentConnection;
import dev.reprise.master.cluster.ClusterManager;
import dev.reprise.master.hosts.HostSpec;
import dev.reprise.master.merge.RunCollector;
import dev.reprise.master.ssh.RemoteHost;
import dev.reprise.master.ssh.RemoteProcess;
import dev.reprise.master.ssh.Shell;
import java.io.IOException;
import java.time.Duration;

/**
 * Starts the agent on a remote host over an SSH exec channel ({@code java -jar <work_dir>/agent/agent-all.jar},
 * shipped by {@code master cluster up}) and gives the master its end of the JSON-lines conversation:
 * the channel's stdout is the agent's messages, its stdin the master's. Closing the connection
 * closes the channel, so the agent sees EOF and its dead-man switch heals and stops — as it does
 * when the master dies (the TCP connection drops, sshd closes the agent's stdin).
 *
 * <p>Contract for the run coordinator: the {@code arm} for a remote agent names
 * {@link #recordsDir} as its {@code records_dir} (so {@code master collect} finds the records) and
 * {@link #faultsDir} as its {@code faults_dir}.
 */
public final class SshAgent {
  private SshAgent() {}

  /** The shell command that runs the agent; stderr stays on the channel's stderr (kept for diagnosis). */
  public static String command(HostSpec spec) {
    return "cd " + Shell.quote(spec.workDir()) + " && exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms16m -jar "
        + Shell.quote(spec.workDir() + "/" + ClusterManager.AGENT_JAR);
  }

  /** Where the agent of {@code runId} keeps its records on {@code spec}'s host. */
  public static String recordsDir(HostSpec spec, String runId) {
    return RunCollector.remoteDir(spec.workDir(), runId);
  }

  /** Where {@code master cluster up --faults} put the fault scripts on {@code spec}'s host. */
  public static String faultsDir(HostSpec spec) {
    return spec.workDir() + "/" + ClusterManager.FAULTS;
  }

  /**
   * Starts the agent; the returned connection's {@code close} closes the channel's stdin, waits up
   * to {@code exitWait} for the agent's stdout to end, then closes the channel.
   */
  public static AgentConnection start(RemoteHost host, Duration exitWait) throws IOException {
    RemoteProcess process = host.start(command(host.spec()));
    return new ProcessAgentConnection(process.stdout(), process.stdin(), host.spec().name(), new Exec(process), exitWait);
  }

  /** An SSH exec as the connection's {@link ProcessAgentConnection.AgentProcess}. */
  private record Exec(RemoteProcess process) implements ProcessAgentConnection.AgentProcess {
    @Override
    public Integer exitCode(Duration atMost) {
      return process.exitCode(); // known once the channel closed; SSH gives nothing to wait on
    }

    @Override
    public String stderrTail() {
      return process.stderrTail();
    }

    @Override
    public void stop(Duration grace) {
      process.close(); // closing the channel: sshd hangs up on the agent
    }
  }
}
