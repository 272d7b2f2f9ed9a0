package dev.reprise.master.remote;

import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.master.agentlink.AgentConnection;
import dev.reprise.master.agentlink.AgentLink;
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
    return "cd " + Shell.quote(spec.workDir()) + " && exec java -XX:+UseSerialGC -jar "
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

  /** Starts the agent; the returned connection's {@code close} waits up to {@code exitWait} for the agent to end. */
  public static AgentConnection start(RemoteHost host, Duration exitWait) throws IOException {
    RemoteProcess process = host.start(command(host.spec()));
    var link = new AgentLink(process.stdout(), process.stdin(), host.spec().name());
    return new SshAgentConnection(link, process, exitWait);
  }

  /** The link plus the process, so closing ends both and an early exit can be explained. */
  private static final class SshAgentConnection implements AgentConnection {
    private final AgentLink link;
    private final RemoteProcess process;
    private final Duration exitWait;

    SshAgentConnection(AgentLink link, RemoteProcess process, Duration exitWait) {
      this.link = link;
      this.process = process;
      this.exitWait = exitWait;
    }

    @Override
    public void send(MasterMessage message) throws IOException {
      link.send(message);
    }

    @Override
    public Incoming poll(Duration timeout) throws InterruptedException {
      var next = link.poll(timeout);
      if (next instanceof Incoming.Closed c && c.cause() == null && process.exitCode() != null && process.exitCode() != 0) {
        String tail = process.stderrTail().strip();
        return new Incoming.Closed("the agent exited with code " + process.exitCode()
            + (tail.isEmpty() ? "" : ": " + tail.substring(tail.lastIndexOf('\n') + 1)));
      }
      return next;
    }

    @Override
    public void close() {
      link.close(); // EOF on the agent's stdin: it heals, flushes and ends
      long until = System.nanoTime() + exitWait.toNanos();
      try {
        while (process.exitCode() == null && System.nanoTime() < until) {
          if (link.poll(Duration.ofMillis(100)) instanceof Incoming.Closed) break;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.close();
    }
  }
}
