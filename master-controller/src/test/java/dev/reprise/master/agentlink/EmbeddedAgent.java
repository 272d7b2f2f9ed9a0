package dev.reprise.master.agentlink;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Runs an agent (a fake, in tests) in this JVM, talking to the master over in-process pipes with the
 * same JSON-line protocol real agents speak over stdio ({@link ChildProcessAgent}) and SSH. ({@code java.nio} pipes, not
 * {@code PipedInputStream}, which breaks when a writer thread ends.)
 */
public final class EmbeddedAgent {
  /** The agent's entry point: reads master messages from {@code in}, writes its own to {@code out}, returns after {@code ended}. */
  @FunctionalInterface
  public interface Main {
    void run(InputStream in, OutputStream out) throws Exception;
  }

  private EmbeddedAgent() {}

  /**
   * Starts {@code main} on a daemon thread and returns the master's end of the conversation.
   * Closing the connection closes the agent's input (EOF: its dead-man switch heals and stops) and
   * waits up to {@code joinTimeout} for the agent thread to return, so its records are flushed.
   */
  public static AgentConnection start(Main main, String name, Duration joinTimeout) throws IOException {
    Pipe toAgent = Pipe.open();
    Pipe fromAgent = Pipe.open();
    InputStream agentIn = Channels.newInputStream(toAgent.source());
    OutputStream agentOut = Channels.newOutputStream(fromAgent.sink());
    var thread = new Thread(() -> {
      try {
        main.run(agentIn, agentOut);
      } catch (Throwable e) {
        // the master must hear why its agent stopped: say it in the protocol before the EOF
        var w = new PrintWriter(agentOut, true, StandardCharsets.UTF_8);
        w.println(ProtocolCodec.encode(new AgentMessage.Error("the in-process agent crashed: " + e)));
      } finally {
        try {
          agentOut.close();
          agentIn.close();
        } catch (IOException e) {
          // already closed by the master
        }
      }
    }, "embedded-agent-" + name);
    thread.setDaemon(true);
    thread.start();
    return new ProcessAgentConnection(Channels.newInputStream(fromAgent.source()), Channels.newOutputStream(toAgent.sink()), name,
        new ProcessAgentConnection.AgentProcess() {
          @Override
          public Integer exitCode(Duration atMost) {
            return null; // a thread has no exit code: a crash is said in the protocol (above)
          }

          @Override
          public String stderrTail() {
            return "";
          }

          @Override
          public void stop(Duration grace) throws InterruptedException {
            thread.join(Math.max(1, grace.toMillis())); // its records are flushed when it returns
          }
        }, joinTimeout);
  }
}
